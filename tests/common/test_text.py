"""Vietnamese text: cleaning, diacritic-free search keys and the alphabetical order of names."""

from __future__ import annotations

import re
import unicodedata

import pytest

from dangvu.common.dates import add_months, calendar_months, months_between
from dangvu.common.text import clean, person_sort_key, search_key, vietnamese_sort_key


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_clean_normalises_and_folds_spaces():
    assert clean(nfd("  Nguyễn   Văn\tÂn \n")) == "Nguyễn Văn Ân"
    assert clean(nfd("Nguyễn")) == unicodedata.normalize("NFC", "Nguyễn")
    assert clean(None) == "" and clean("") == ""


def test_search_key_drops_diacritics_and_case():
    assert search_key("Nguyễn Văn Ân") == "nguyen van an"
    assert search_key(nfd("Nguyễn Văn Ân")) == "nguyen van an"
    assert search_key("Đặng Đức Đạt") == "dang duc dat"
    assert search_key("đ") == "d" and search_key("Đ") == "d"
    assert search_key("  TRƯƠNG   Thị   Ưng ") == "truong thi ung"
    assert search_key(None) == ""


def ordered(names: list[str], key) -> bool:
    return [key(n) for n in names] == sorted(key(n) for n in names) and len({key(n) for n in names}) == len(names)


@pytest.mark.parametrize("letters", [
    ["a", "ă", "â", "b"],
    ["d", "đ", "e", "ê", "g"],
    ["o", "ô", "ơ", "p"],
    ["u", "ư", "v"],
])
def test_marked_letters_are_letters_of_their_own(letters):
    assert ordered(letters, vietnamese_sort_key)


def test_letters_with_marks_sort_after_all_words_of_the_plain_letter():
    # Every word starting with "u" comes before any starting with "ư", whatever follows.
    assert ordered(["Út", "Uyên", "Ưng"], vietnamese_sort_key)
    assert ordered(["Dũng", "Duy", "Đào", "Em"], vietnamese_sort_key)
    assert ordered(["Anh", "Ăn", "Ân"], vietnamese_sort_key)


def test_tones_order_level_grave_hook_tilde_acute_dot():
    assert ordered(["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"], vietnamese_sort_key)


def test_letters_decide_before_tones():
    assert ordered(["Mạ", "Mai"], vietnamese_sort_key)
    assert ordered(["Án", "Anh"], vietnamese_sort_key)
    assert ordered(["Bê", "Bệ", "Bi"], vietnamese_sort_key)  # ệ: circumflex and dot below in one letter
    assert ordered(["Ơn", "Ờn", "Ợn", "Phú"], vietnamese_sort_key)


def test_sort_key_ignores_case_and_normal_form():
    for name in ("Nguyễn Văn Ân", "Đặng Thị Ưng", "Trần Ngọc Ẩn"):
        assert person_sort_key(name) == person_sort_key(nfd(name)) == person_sort_key(name.upper())


def test_people_sort_by_given_name_then_family_and_middle_names():
    assert ordered(["Trần Văn An", "Lê Bình", "Nguyễn Thị Cúc"], person_sort_key)
    # Same given name: by family name, then middle name.
    assert ordered(["Lê Thị An", "Lê Văn An", "Nguyễn Văn An", "Trần An"], person_sort_key)
    # The given name decides first, tones included, before the family name.
    assert ordered(["Trần Văn An", "Lê Văn Án", "Phạm Anh", "Đỗ Ánh", "Bùi Ân"], person_sort_key)
    assert ordered(["Nguyễn Văn Đông", "Nguyễn Văn Dũng"][::-1], person_sort_key)
    assert person_sort_key("") == "" and person_sort_key(None) == ""


def test_people_sort_order_matches_a_real_list():
    names = ["Đỗ Thị Yến", "Nguyễn Văn Ân", "Lê Hoàng Anh", "Phạm Thị Ánh", "Trần Văn An", "Vũ Đức Đạt",
             "Hoàng Văn Dũng", "Bùi Thị Hà", "Ngô Thị Hạ", "Lý Văn Hải", "Trương Minh Ước", "Mai Văn Út"]
    assert sorted(names, key=person_sort_key) == [
        "Trần Văn An", "Lê Hoàng Anh", "Phạm Thị Ánh", "Nguyễn Văn Ân", "Hoàng Văn Dũng", "Vũ Đức Đạt",
        "Bùi Thị Hà", "Ngô Thị Hạ", "Lý Văn Hải", "Mai Văn Út", "Trương Minh Ước", "Đỗ Thị Yến"]


def test_unusual_characters_do_not_break_the_keys():
    # Eth typed for Đ; a circumflex on a non-Vietnamese letter; digits in a name.
    assert search_key("ÐẶNG Thị Ðào") == "dang thi dao"
    assert person_sort_key("Ðặng Thị Ðào") == person_sort_key("Đặng Thị Đào")
    assert person_sort_key("Nguyễn ʌ̂ Ŵ") and person_sort_key("Lê Văn 2")
    assert ordered(["Lê Văn An", "Lê Văn Ăn"], person_sort_key)


def test_dates_month_arithmetic():
    from datetime import date

    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)
    assert add_months(date(2016, 2, 29), 12) == date(2017, 2, 28)
    assert add_months(date(2018, 3, 10), 36) == date(2021, 3, 10)
    assert add_months(date(2020, 1, 15), -13) == date(2018, 12, 15)
    assert months_between(date(2000, 5, 20), date(2018, 5, 19)) == 215
    assert months_between(date(2000, 5, 20), date(2018, 5, 20)) == 216
    # By calendar month ("tính theo tháng"): the day does not matter.
    assert calendar_months(date(2000, 5, 20), date(2018, 4, 30)) == 215
    assert calendar_months(date(2000, 5, 20), date(2018, 5, 1)) == 216


def _reference_clean(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip() if text else ""


def _reference_search_key(text):
    decomposed = unicodedata.normalize("NFD", _reference_clean(text).lower().replace("ð", "đ").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_fast_paths_of_clean_and_search_key_give_the_reference_results():
    """``clean`` returns an already-clean string as is and ``search_key`` deletes combining marks with a
    translate table: both must give exactly what the plain definitions give, whatever the input."""
    import random

    pieces = ["Nguyễn", nfd("Nguyễn"), "Văn", "Ân", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\u2028", "\x1f",
              "\u200b", "a", "Z", "1", "ß", "Ð", "ð", "đ", "Đ", "e\u0301", "\u0301", "ﬁ", "Å", "\u212b", "日本",
              "x\u0308", "\ufeff", "-", "'", "ǅ", "Ω"]
    rng = random.Random(6)
    samples = ["", "a", " a", "a ", "a  b", "Nguyễn Văn Ân", nfd("Nguyễn Văn Ân")]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for text in samples:
        assert clean(text) == _reference_clean(text), repr(text)
        assert type(clean(text)) is str
        assert search_key(text) == _reference_search_key(text), repr(text)

    from dangvu.common import text as module

    for text in samples:
        person_sort_key(text)
    # the memoised character ranks are the ranks ``_rank`` gives
    assert len(module._RANKS) > 20 and all(module._RANKS[c] == module._rank(c) for c in list(module._RANKS))

    class Label(str):
        pass

    assert type(clean(Label("Kinh"))) is str
