"""The rules engine: the version in force on a date, the refusal message, and the catalogue's shape."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

import dangvu
from dangvu.rules.engine import RuleViolation, all_rules, param, refuse, require, rule_in_force

SOURCE = Path(dangvu.__file__).parent


@pytest.mark.parametrize("rule_id", ["ADM-01", "ADM-04"])
def test_admission_rules_change_text_on_1_july_2025(rule_id):
    before, after = rule_in_force(rule_id, date(2025, 6, 30)), rule_in_force(rule_id, date(2025, 7, 1))
    assert before.valid_to == date(2025, 6, 30) and after.valid_from == date(2025, 7, 1)
    assert "HD 01-HD/TW 2021" in before.basis
    assert "HD 06-HD/TW 2025" in after.basis
    assert before.params == after.params  # the numbers did not change, only the text behind them


def test_adm_01_and_adm_04_numbers():
    assert param("ADM-01", "min_age_months", date(2020, 1, 1)) == 216
    assert param("ADM-01", "min_age_months", date(2026, 1, 1)) == 216
    assert param("ADM-04", "valid_months", date(2026, 1, 1)) == 60


def test_sus_03_maximum_drops_to_120_days_on_11_april_2026():
    assert param("SUS-03", "max_days", date(2026, 4, 10)) == 180
    assert param("SUS-03", "max_days", date(2026, 4, 11)) == 120
    assert "QĐ 22-QĐ/TW" in rule_in_force("SUS-03", date(2026, 4, 10)).basis
    assert "QĐ 21-QĐ/TW" in rule_in_force("SUS-03", date(2026, 4, 11)).basis


def test_trf_01_has_three_texts():
    assert "QĐ 24-QĐ/TW" in rule_in_force("TRF-01", date(2025, 6, 30)).basis
    assert "QĐ 294-QĐ/TW" in rule_in_force("TRF-01", date(2025, 7, 1)).basis
    assert "QĐ 294-QĐ/TW" in rule_in_force("TRF-01", date(2026, 7, 25)).basis
    assert "QĐ 208-QĐ/TW" in rule_in_force("TRF-01", date(2026, 7, 26)).basis


def test_before_the_first_text_the_earliest_applies():
    assert rule_in_force("ADM-01", date(2000, 1, 1)).valid_from == date(2011, 1, 19)
    assert rule_in_force("SUS-03", date(2019, 1, 1)).params["max_days"] == 180


def test_unknown_rule_is_a_programming_error():
    with pytest.raises(KeyError):
        rule_in_force("NO-SUCH-RULE", date(2020, 1, 1))


def test_rule_violation_carries_id_message_detail_and_basis():
    with pytest.raises(RuleViolation) as caught:
        require("ADM-01", on=date(2025, 7, 1), ok=False, detail="Sinh tháng 8/2007.")
    violation = caught.value
    assert violation.rule_id == "ADM-01"
    assert str(violation) == (
        "[ADM-01] Người được kết nạp phải đủ 18 tuổi (tính theo tháng) vào ngày chi bộ xét kết nạp. "
        "Sinh tháng 8/2007. (Căn cứ: QĐ 294-QĐ/TW Đ1; HD 06-HD/TW 2025)")
    assert violation.user_message == str(violation)
    with pytest.raises(RuleViolation) as caught:
        refuse("SUS-03", on=date(2026, 4, 11))
    assert str(caught.value).startswith("[SUS-03] Đình chỉ sinh hoạt đảng")
    assert str(caught.value).endswith("(Căn cứ: QĐ 21-QĐ/TW 2026 (90 ngày, gia hạn một lần ≤ 30 ngày) [S])")


def test_require_passes_when_the_condition_holds():
    assert require("ADM-01", on=date(2025, 7, 1), ok=True) is None


def test_every_rule_has_a_message_and_contiguous_versions():
    for rule_id, versions in all_rules().items():
        assert re.fullmatch(r"[A-Z]+-[A-Z]?\d+", rule_id), rule_id
        assert versions, rule_id
        for version in versions:
            assert version.message.strip() and version.basis.strip(), rule_id
            assert version.valid_to is None or version.valid_to >= version.valid_from, rule_id
        for earlier, later in zip(versions, versions[1:], strict=False):
            assert earlier.valid_to is not None, rule_id
            assert later.valid_from == earlier.valid_to + timedelta(days=1), rule_id
        assert versions[-1].valid_to is None, f"{rule_id} has no text in force today"


def test_every_rule_the_code_cites_is_in_the_catalogue():
    cited: set[str] = set()
    pattern = re.compile(r"""(?:require|refuse|param|rule_in_force)\(\s*["']([A-Z]+-[A-Z0-9]+)["']""")
    for path in SOURCE.rglob("*.py"):
        cited |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert {"LIFE-01", "PROB-04", "ORG-13", "VOID-01"} <= cited
    assert cited - set(all_rules()) == set()
