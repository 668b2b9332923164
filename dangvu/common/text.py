"""Vietnamese text: normalisation, diacritic-insensitive search keys and alphabetical sort keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """NFC, trimmed, inner whitespace folded: the same name typed two ways becomes one name."""
    if not text:
        return ""
    # Already clean (most cells of a file, most names): a plain str in NFC whose only whitespace is single
    # inner spaces (``isprintable`` is false for every other whitespace character) comes back unchanged.
    if (type(text) is str and text.isprintable() and text[0] != " " and text[-1] != " " and "  " not in text
            and (text.isascii() or unicodedata.is_normalized("NFC", text))):
        return text
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


# "Ð"/"ð" (Icelandic eth) is often typed for "Đ"/"đ": they look the same.
_ETH = str.maketrans({"ð": "đ"})


class _DropCombining(dict):
    """A ``str.translate`` table that deletes combining characters, filled in as characters are met."""

    def __missing__(self, code: int):
        value = self[code] = None if unicodedata.combining(chr(code)) else code
        return value


_DROP_COMBINING = _DropCombining()


def search_key(text: str | None) -> str:
    """Lower case without diacritics ("Nguyễn Văn Ân" -> "nguyen van an"); đ counts as d."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower().translate(_ETH).replace("đ", "d"))
    return decomposed if decomposed.isascii() else decomposed.translate(_DROP_COMBINING)


# Vietnamese alphabet order; letters with a vowel mark or a stroke are letters of their own.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
_LETTER_RANK = {letter: index + 10 for index, letter in enumerate(_ALPHABET)}
# Tone marks, in the order dictionaries use: level, grave, hook, tilde, acute, dot below.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _rank(char: str) -> str:
    if char.isdigit() and char.isascii():
        return f"0{char}"
    return f"{_LETTER_RANK.get(char, 99):02d}"


class _Ranks(dict):
    """``_rank`` of each character, computed once per character met."""

    def __missing__(self, char: str) -> str:
        value = self[char] = _rank(char)
        return value


_RANKS = _Ranks()


@lru_cache(maxsize=100_000)  # pure; names repeat their words (imports sort 100 000 names at once)
def _word_key(word: str) -> tuple[str, str]:
    chars: list[str] = []  # base letters, with breve/circumflex/horn composed in
    tones: list[str] = []
    for cluster in unicodedata.normalize("NFD", word.lower().translate(_ETH)):
        if cluster in _TONES:
            if tones:
                tones[-1] = str(_TONES[cluster])
            continue
        if cluster in _LETTER_MARKS and chars:
            chars[-1] = unicodedata.normalize("NFC", chars[-1] + cluster)
            continue
        if unicodedata.combining(cluster):
            continue
        chars.append(cluster)
        tones.append("0")
    ranks = _RANKS
    return "".join([ranks[char] for char in chars]), "".join(tones)


def vietnamese_sort_key(text: str | None) -> str:
    """A digits-only key whose byte order is Vietnamese alphabetical order, tone marks breaking ties."""
    words = clean(text).replace("Đ", "đ").split(" ")
    keyed = [_word_key(word) for word in words if word]
    primary = "00".join(letters for letters, _ in keyed)
    secondary = "0".join(tones for _, tones in keyed)
    return f"{primary}000{secondary}"


def person_sort_key(full_name: str | None) -> str:
    """Sort people as Vietnamese lists do: by given name, then by family and middle names."""
    words = clean(full_name).split(" ")
    if not words or words == [""]:
        return ""
    given, rest = words[-1], " ".join(words[:-1])
    return f"{vietnamese_sort_key(given)}0000{vietnamese_sort_key(rest)}"[:250]
