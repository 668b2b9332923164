"""Pre-Unicode Vietnamese encodings still found in office ledgers: TCVN3 (ABC, fonts .VnTime) and
VNI (fonts VNI-Times). Text typed in them reaches us as Latin-1 looking strings ("NguyÔn V¨n An",
"Nguyeãn Vaên An"); ``to_unicode`` detects which one and converts it back.

Detection is per cell: a cell holding any real Vietnamese Unicode letter (U+0100 and above) is left
alone; otherwise characters that only TCVN3 uses (µ ¸ ¶ ® ª « ¬ …) mark it as TCVN3 and characters
that only VNI uses after a vowel (ø û ï å ä ë ü æ î ö ñ …) mark it as VNI.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode letter -> TCVN3 byte (as the Latin-1 character Excel shows). Lower case only: TCVN3 writes
# capitals with the same codes in a capitals font (.VnTimeH), except the seven below.
_TCVN3_PAIRS = {
    "à": "µ", "á": "¸", "ả": "¶", "ã": "·", "ạ": "¹",
    "ă": "¨", "ằ": "»", "ắ": "¾", "ẳ": "¼", "ẵ": "½", "ặ": "Æ",
    "â": "©", "ầ": "Ç", "ấ": "Ê", "ẩ": "È", "ẫ": "É", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "é": "Ð", "ẻ": "Î", "ẽ": "Ï", "ẹ": "Ñ",
    "ê": "ª", "ề": "Ò", "ế": "Õ", "ể": "Ó", "ễ": "Ô", "ệ": "Ö",
    "ì": "×", "í": "Ý", "ỉ": "Ø", "ĩ": "Ü", "ị": "Þ",
    "ò": "ß", "ó": "ã", "ỏ": "á", "õ": "â", "ọ": "ä",
    "ô": "«", "ồ": "å", "ố": "è", "ổ": "æ", "ỗ": "ç", "ộ": "é",
    "ơ": "¬", "ờ": "ê", "ớ": "í", "ở": "ë", "ỡ": "ì", "ợ": "î",
    "ù": "ï", "ú": "ó", "ủ": "ñ", "ũ": "ò", "ụ": "ô",
    "ư": "\u00ad", "ừ": "õ", "ứ": "ø", "ử": "ö", "ữ": "÷", "ự": "ù",
    "ỳ": "ú", "ý": "ý", "ỷ": "û", "ỹ": "ü", "ỵ": "þ",
    "Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦",
}
TCVN3_DECODE = str.maketrans({code: letter for letter, code in _TCVN3_PAIRS.items()})
TCVN3_ENCODE = str.maketrans(_TCVN3_PAIRS)

# VNI: a base letter followed by a mark byte; a few letters are a single byte.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_SINGLE = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ", "í": "í", "Í": "Í", "ì": "ì",
               "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ"}
# (base, code) -> letter for circumflex and breve with their tones.
_VNI_HAT = {"â": "\u0302", "á": "\u0302\u0301", "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303",
            "ä": "\u0302\u0323"}
_VNI_BREVE = {"ê": "\u0306", "é": "\u0306\u0301", "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303",
              "ë": "\u0306\u0323"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in "aeouyAEOUY":  # i has single-byte letters (í ì æ ó ò)
        for code, mark in _VNI_TONES.items():
            table[base + code] = unicodedata.normalize("NFC", base + mark)
            table[base + code.upper()] = unicodedata.normalize("NFC", base + mark)
    for base in "aeoAEO":
        for code, marks in _VNI_HAT.items():
            table[base + code] = unicodedata.normalize("NFC", base + marks)
            table[base + code.upper()] = unicodedata.normalize("NFC", base + marks)
    for base in "aA":
        for code, marks in _VNI_BREVE.items():
            table[base + code] = unicodedata.normalize("NFC", base + marks)
            table[base + code.upper()] = unicodedata.normalize("NFC", base + marks)
    # ơ and ư with tones: ô/ö followed by a tone byte.
    for code, letter in (("ô", "ơ"), ("Ô", "Ơ"), ("ö", "ư"), ("Ö", "Ư")):
        for tone, mark in _VNI_TONES.items():
            table[code + tone] = unicodedata.normalize("NFC", letter + mark)
            table[code + tone.upper()] = unicodedata.normalize("NFC", letter + mark)
    return table


VNI_PAIRS = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted((re.escape(k) for k in VNI_PAIRS), key=len, reverse=True))
                          + "|" + "|".join(re.escape(k) for k in _VNI_SINGLE))
VNI_ENCODE = {letter: code for code, letter in VNI_PAIRS.items()
              if code[1].islower() == (code[0].islower() or code[0] in "ôö")}

# Characters that Unicode Vietnamese never uses but one legacy encoding does.
_TCVN3_ONLY = set("µ¸¶·¹¨»¾¼½©Ç®Ðª×ÝÞß«ç¬\u00ad÷ýþ¡¢§£¤¥¦")
_VNI_ONLY = set("øûïåäëüæîöñØÛÏÅÄËÜÆÎÖÑ")
_UNICODE_VIETNAMESE = re.compile("[\u0100-\u024f\u1ea0-\u1ef9]")


_VOWELS = set("aăâeêioôơuưy")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VALID_CLUSTERS = set(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iêu iu oa oai oao oay oă oe oeo oi ôi ơi oo ua uâ "
    "uây uê ui uô uôi uơ ươ ươi ươu uy uya uyê uyu ưa ưi ưu yê yêu".split())
_LATIN1_VIETNAMESE = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_WORD = re.compile(r"[^\s\d.,;:()\-/]+")


def _bad_word(word: str) -> bool:
    letters: list[str] = []
    tones = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_MARKS:
            tones += 1
        elif unicodedata.combining(ch) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        else:
            letters.append(ch)
    if tones > 1:
        return True
    text = "".join(letters)
    if text.startswith("qu") or (text.startswith("gi") and len(text) > 2 and text[2] in _VOWELS):
        text = text[2:] if text.startswith("gi") else text[2:]
    cluster = re.findall(r"[aăâeêioôơuưy]+", text)
    return len(cluster) > 1 or (len(cluster) == 1 and cluster[0] not in _VALID_CLUSTERS)


def _score(text: str) -> tuple[int, int]:
    leftover = sum(1 for ch in text if "\x80" <= ch <= "\xff" and ch not in _LATIN1_VIETNAMESE)
    bad = sum(_bad_word(word) for word in _WORD.findall(text))
    return leftover, bad


def detect(text: str) -> str:
    """'tcvn3', 'vni' or '' (already Unicode, or plain ASCII)."""
    if not text or text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return ""
    candidates = [("", text), ("tcvn3", from_tcvn3(text)), ("vni", from_vni(text))]
    best = min(candidates, key=lambda item: (_score(item[1]), ["", "tcvn3", "vni"].index(item[0])))
    return best[0]


def from_tcvn3(text: str) -> str:
    return text.translate(TCVN3_DECODE)


def from_vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI_PAIRS.get(m.group(0)) or _VNI_SINGLE[m.group(0)], text)


def to_unicode(text: str, encoding: str | None = None) -> tuple[str, str]:
    """(converted text, encoding found) — the text unchanged when it is already Unicode."""
    found = encoding if encoding is not None else detect(text)
    if found == "tcvn3":
        return from_tcvn3(text), found
    if found == "vni":
        return from_vni(text), found
    return text, ""


def encode_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (for tests and for documentation examples)."""
    return unicodedata.normalize("NFC", text).translate(TCVN3_ENCODE)


def encode_vni(text: str) -> str:
    """Unicode -> VNI (for tests)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(VNI_ENCODE.get(ch) or next((k for k, v in _VNI_SINGLE.items() if v == ch and k != v), ch))
    return "".join(out)


def detect_file(texts) -> str:
    """The legacy encoding of a file: the one most of its legacy-looking cells point to."""
    votes = {"tcvn3": 0, "vni": 0}
    for text in texts:
        found = detect(text)
        if found:
            votes[found] += 1
    if not any(votes.values()):
        return ""
    return max(votes, key=lambda k: (votes[k], k == "tcvn3"))


def looks_legacy(text: str, encoding: str) -> bool:
    """In a file found to be in ``encoding``: is this cell in it too (converting does not make it worse)?"""
    if not text or text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return False
    converted = to_unicode(text, encoding)[0]
    return converted != text and _score(converted) <= _score(text)
