"""Shared by the crawls of SEC-05 (no outside host) and SEC-09 (no personal data in URLs).

Pure functions on markup and URLs, so that the same checks run on the test client's responses and on a
real server process crawled inside a network namespace (``test_unshare_crawl.py``). No Django imports:
the namespace script imports this file on its own.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qsl, unquote_plus, urljoin, urlsplit

# Attributes that make a browser (or htmx) fetch or navigate.
LINK_ATTRIBUTES = {"href", "src", "action", "hx-get", "hx-post", "hx-put", "hx-delete", "hx-patch", "formaction",
                   "poster", "data", "srcset"}
# Any absolute or protocol-relative URL in markup or CSS: the pages may only point at their own instance.
EXTERNAL_REFERENCE = re.compile(r"""(?:src|href|action|hx-[a-z]+|url|formaction|poster|srcset)\s*[=(]\s*["']?\s*"""
                                r"""((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>)]+)""", re.I)
# Personal data in an address: a citizen ID (12 digits) or a party card number (8–12 digits) — any run of
# eight or more digits, since no identifier of ours (primary keys, years, dd/mm/yyyy dates) is that long.
LONG_DIGITS = re.compile(r"(?<!\d)\d{8,}(?!\d)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value:
                if name == "srcset":
                    self.links += [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
                else:
                    self.links.append(value.strip())


def links_in(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def external_references(text: str, own_hosts: set[str]) -> list[str]:
    """Absolute URLs in markup that point anywhere but the instance itself."""
    found = []
    for url in EXTERNAL_REFERENCE.findall(text):
        host = urlsplit(url if "//" in url[:12] else "//" + url).hostname or ""
        if host not in own_hosts:
            found.append(url)
    for link in links_in(text):
        parts = urlsplit(link)
        if parts.scheme in ("http", "https", "ftp", "ws", "wss") or link.startswith("//"):
            if (parts.hostname or "") not in own_hosts:
                found.append(link)
    return sorted(set(found))


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), the way a name would appear in a slug or a search query."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def personal_data_in(url: str, names: list[str], identifiers: list[str] = ()) -> list[str]:
    """What in a URL's path and query string looks like personal data: long digit runs (citizen ID, card
    number), a known identifier, or a known full name (with or without diacritics, spaces as -, _, + or %20)."""
    parts = urlsplit(url)
    pieces = [unquote_plus(parts.path)] + [unquote_plus(f"{k}={v}") for k, v in parse_qsl(parts.query,
                                                                                       keep_blank_values=True)]
    problems = []
    for piece in pieces:
        problems += [f"digits {m} in {piece!r}" for m in LONG_DIGITS.findall(piece)]
        problems += [f"identifier {i} in {piece!r}" for i in identifiers if i and i in piece]
        folded = re.sub(r"[\s_+.-]+", " ", fold(piece))
        for name in names:
            if fold(name) in folded:
                problems.append(f"name {name!r} in {piece!r}")
    return problems


def same_site(base: str, link: str) -> str | None:
    """The absolute URL of an in-site link worth following, or None (fragments, javascript:, mailto:, data:)."""
    if not link or link.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    absolute = urljoin(base, link)
    if urlsplit(absolute).netloc != urlsplit(base).netloc:
        return None
    return absolute.split("#", 1)[0]
