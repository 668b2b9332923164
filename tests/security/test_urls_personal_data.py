"""SEC-09: no personal data in URLs (ASVS 14.2.1) — addresses end up in browser history, server and proxy
logs and Referer headers.

Three checks:
- every URL pattern of the project takes only opaque identifiers (primary keys) or fixed vocabulary;
- a crawl, as every role of the cast, from the home page and every GET page of the access matrix, of every
  link, form action and htmx address rendered on the pages (and every redirect): none carries a citizen ID
  (12 digits), a party card number (8–12 digits) or the full name of a member or candidate in its path
  or query string;
- no GET form invites free text that would put a name or number into the address when submitted.
"""

from __future__ import annotations

from collections import deque
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from dangvu.development.models import Candidate
from dangvu.members.models import Member
from tests.access.conftest import world  # noqa: F401 (fixture)
from tests.access.spec import ROLES
from tests.access.test_matrix import CASES
from tests.security.crawling import links_in, personal_data_in, same_site

BASE = "http://testserver"
# Route parameters that may appear in our URLs: primary keys (int converter) and fixed vocabularies.
OPAQUE_KEYS = {"pk", "subject_pk", "event_pk", "term_pk"}
VOCABULARY = {"kind", "step", "fmt", "figure_id"}
# Pages not crawled: Django's admin (accounts only, superuser only) and static files (no data).
NOT_CRAWLED = ("/quan-tri/", "/static/")
PAGES_PER_ROLE = 150
SAME_SHAPE_LIMIT = 2  # visit at most this many URLs of one shape (view name + query keys)


def _patterns(resolver: URLResolver | None = None, namespace: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("admin:"):
                continue
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern


def test_sec_09_url_patterns_take_only_keys_and_fixed_words():
    """SEC-09: no route parameter could carry a name, a citizen ID or a card number."""
    problems = []
    for name, pattern in _patterns():
        converters = getattr(pattern.pattern, "converters", {})
        for parameter, converter in converters.items():
            kind = type(converter).__name__
            if parameter in OPAQUE_KEYS and kind == "IntConverter":
                continue
            if parameter in VOCABULARY and kind in ("SlugConverter", "StringConverter"):
                continue
            problems.append(f"{name}: <{kind} {parameter}>")
        if not converters and "(?P<" in str(pattern.pattern):
            problems.append(f"{name}: regular-expression route {pattern.pattern}")
    assert not problems, problems


def test_the_personal_data_detector_catches_what_it_must():
    """Self-test: the detector used below fails on each kind of leak (so the crawl can fail)."""
    names = ["Trần Thị Bình"]
    assert personal_data_in("/dang-vien/?q=Tr%E1%BA%A7n+Th%E1%BB%8B+B%C3%ACnh", names)
    assert personal_data_in("/dang-vien/tran-thi-binh/", names)
    assert personal_data_in("/dang-vien/?q=tran_thi_binh", names)
    assert personal_data_in("/dang-vien/?cccd=079090000001", [])
    assert personal_data_in("/dang-vien/the/12345678/", [])
    assert personal_data_in("/x/?so=AB-77", [], ["AB-77"])
    assert not personal_data_in("/bao-cao/?to_chuc=B1&ky=custom&tu=01/01/2018&den=31/12/2018", names)
    assert not personal_data_in("/dang-vien/123/su-kien/45/huy/", names)


class _GetForms(HTMLParser):
    """Free-text inputs of forms submitted with GET (the default method)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs: list[str] = []
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif tag == "input" and self._in_get_form:
            if (attributes.get("type") or "text").lower() in ("text", "search") and attributes.get("name"):
                self.inputs.append(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _shape(url: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}))
    return match.view_name, keys


def _seeds(world_, role: str) -> list[str]:
    from urllib.parse import urlencode

    seeds = [reverse("home")]
    for case in CASES:
        if case.method == "get" and case.expect[role] == 200:
            url = reverse(case.url_name, kwargs=case.kwargs(world_)) + case.query
            data = case.data(world_)
            if data:
                url += ("&" if "?" in url else "?") + urlencode(data)
            seeds.append(url)
    return seeds


def _personal_data(world_) -> tuple[list[str], list[str]]:
    names = list(Member.objects.values_list("full_name", flat=True))
    names += list(Candidate.objects.values_list("full_name", flat=True))
    identifiers = [value for pair in Member.objects.values_list("citizen_id", "card_number") for value in pair if value]
    return sorted(set(names)), identifiers


def _crawl(client, seeds: list[str], names, identifiers, get_form_inputs: set) -> tuple[list[str], int]:
    leaks: list[str] = []
    queue = deque(seeds)
    seen: set[str] = set()
    shapes: dict = {}
    fetched = 0
    while queue and fetched < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        leaks += [f"{url}: {p}" for p in personal_data_in(url, names, identifiers)]
        shape = _shape(url)
        if shape is None or url.startswith(NOT_CRAWLED):
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] > SAME_SHAPE_LIMIT and url not in seeds:
            continue
        response = client.get(url)
        fetched += 1
        if response.status_code in (301, 302):
            location = response["Location"]
            leaks += [f"{url} → {location}: {p}" for p in personal_data_in(location, names, identifiers)]
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        forms = _GetForms()
        forms.feed(html)
        get_form_inputs |= {(shape[0], name) for name in forms.inputs}
        for link in links_in(html):
            absolute = same_site(BASE + url, link)
            if absolute is None:
                continue
            path = absolute[len(BASE):]
            leaks += [f"{url} links {path}: {p}" for p in personal_data_in(path, names, identifiers)]
            queue.append(path)
    return leaks, fetched


@pytest.fixture
def crawl_world(world, admit):  # noqa: F811
    """The matrix world plus an official member holding a party card (so that card numbers can leak)."""
    from dangvu.members.services import member_update_profile

    carded = admit(world.tree.c2, name="Phạm Minh Đức", on=date(2017, 5, 2))
    member_update_profile(actor=world.cast.admin, member=carded, changes={"card_number": "72019988"},
                          correction_basis="Cấp thẻ đảng viên")
    return world


GET_FORM_INPUTS: set = set()


@pytest.mark.parametrize("role", ROLES)
def test_sec_09_no_personal_data_in_any_link_as_every_role(client, crawl_world, role):
    """SEC-09: crawl every page the role can reach; no link, form action, htmx address or redirect carries a
    citizen ID, card number or member/candidate name."""
    seeds = _seeds(crawl_world, role)
    names, identifiers = _personal_data(crawl_world)
    assert "Phạm Minh Đức" in names and "72019988" in identifiers and len(identifiers) >= 3
    client.force_login(getattr(crawl_world.cast, role))
    leaks, fetched = _crawl(client, seeds, names, identifiers, GET_FORM_INPUTS)
    assert fetched >= 10, f"the crawl reached only {fetched} pages"
    print(f"{role}: {fetched} pages fetched")
    assert not leaks, leaks[:20]


# Free-text fields of GET forms that cannot hold personal data: dates (dd/mm/yyyy), years, decision numbers
# of the filter forms, report places. A name, citizen ID or card number typed into any other one would land
# in the address bar, the history and the server log.
# The audit filter's account name and object id are the office's own staff accounts and primary keys, on an
# administrator-only page.
ALLOWED_GET_TEXT = {"ngay", "biet_den", "tu", "den", "tu_ngay", "den_ngay", "nam", "nam_vao_dang", "ky", "chi_so",
                    "thoi_diem", "nguoi_dung", "ma_doi_tuong"}


def _get_form_inputs(client, world_) -> set:
    inputs: set = set()
    client.force_login(world_.cast.admin)
    for url in _seeds(world_, "admin"):
        shape = _shape(url)
        response = client.get(url)
        if shape and response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            forms = _GetForms()
            forms.feed(response.content.decode())
            inputs |= {(shape[0], name) for name in forms.inputs}
    return inputs


def test_sec_09_get_forms_have_no_free_text_for_personal_data(client, world):  # noqa: F811
    """SEC-09: every free-text field of a GET form (on every page the administrator reaches) is one that
    cannot hold a name or an identifier (searches by name are posted: see the next test)."""
    inputs = _get_form_inputs(client, world)
    assert inputs, "no GET form found: the parser is broken"
    offending = sorted(i for i in inputs if i[1] not in ALLOWED_GET_TEXT)
    assert not offending, offending


@pytest.mark.parametrize("url_name", ["members:list", "development:candidates"])
def test_sec_09_searching_by_name_keeps_the_name_out_of_the_address(client, world, url_name):  # noqa: F811
    """SEC-09: the search box is posted; the address (redirect, htmx history entry, paging and export
    links) carries an opaque token, and the token finds the same records again only in the same session."""
    client.force_login(world.cast.admin)
    url = reverse(url_name)
    typed = "tran thi binh"
    response = client.post(url, {"q": typed, "tinh_trang": "active"} if url_name == "members:list" else {"q": typed})
    assert response.status_code == 302
    location = response["Location"]
    assert "tim=" in location and "binh" not in location.lower() and "q=" not in location
    page = client.get(location)
    assert page.status_code == 200
    html = page.content.decode()
    if url_name == "members:list":
        assert "Trần Thị Bình" in html and "Lê Văn Cường" not in html
        for link in links_in(html):
            assert "binh" not in link.lower(), link
        htmx = client.post(url, {"q": typed}, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 200 and "Trần Thị Bình" in htmx.content.decode()
        assert "tim=" in htmx["HX-Push-Url"] and "binh" not in htmx["HX-Push-Url"].lower()
    assert not personal_data_in(location, names=["Trần Thị Bình"])
    if url_name == "members:list":
        # A new session cannot read the text behind the token: the list comes back unfiltered.
        client.logout()
        client.force_login(world.cast.admin)
        other = client.get(location).content.decode()
        assert "Trần Thị Bình" in other and "Lê Văn Cường" in other
