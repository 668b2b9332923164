"""SEC-01: every URL pattern × every role × in-scope / out-of-scope object has an expected outcome."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.access as package
from tests.access.spec import ROLES, Case

# Patterns that are not ours to police here: Django's admin has its own staff check (tested in
# test_admin_is_superuser_only) and static files carry no data.
EXCLUDED_PREFIXES = ("admin:",)
PUBLIC = {"login"}
# Any absolute or protocol-relative URL in markup: the pages may only point at their own instance.
EXTERNAL_REFERENCE = re.compile(r"""(?:src|href|action|hx-get|hx-post|url)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", re.I)


def _cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("matrix_"):
            cases.extend(importlib.import_module(f"tests.access.{module.name}").CASES)
    return cases


CASES = _cases()


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                if namespace.startswith(EXCLUDED_PREFIXES):
                    continue
                raise AssertionError(f"URL pattern without a name: {pattern.pattern}")
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_has_a_case():
    covered = {case.url_name for case in CASES} | PUBLIC
    missing = sorted(n for n in _url_names() - covered if not n.startswith(EXCLUDED_PREFIXES))
    assert not missing, f"URL patterns missing from the access matrix: {missing}"


def test_every_case_names_every_role():
    for case in CASES:
        assert set(case.expect) == set(ROLES), case.id()


@pytest.mark.parametrize("case", CASES, ids=[c.id() for c in CASES])
def test_anonymous_is_sent_to_login(client, world, case):
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url + case.query, case.data(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("case", CASES, ids=[c.id() for c in CASES])
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_expected_status(client, world, case, role):
    client.force_login(getattr(world.cast, role))
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    response = getattr(client, case.method)(url + case.query, case.data(world))
    expected = case.expect[role]
    assert response.status_code == expected, f"{role} {case.method.upper()} {url}: {response.status_code} ≠ {expected}"
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        outside = EXTERNAL_REFERENCE.findall(response.content.decode())
        assert not outside, f"SEC-05: {url} as {role} refers to outside hosts: {outside}"


def test_admin_is_superuser_only(client, world):
    url = reverse("admin:index")
    for role in ROLES:
        client.force_login(getattr(world.cast, role))
        response = client.get(url)
        assert response.status_code == 302, role  # sent to the admin login: not staff
    superuser = world.cast.admin
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert client.get(url).status_code == 200


# Tables a GET may legitimately write: the audit trail (reads of dossiers are logged), sessions and
# the login-attempt log.
_GET_MAY_WRITE = {"audit.auditentry", "sessions.session", "axes.accessattempt", "axes.accesslog",
                  "axes.accessfailurelog"}


def _database_checksum() -> str:
    import hashlib

    from django.apps import apps

    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.label_lower in _GET_MAY_WRITE:
            continue
        for row in model._default_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


GET_CASES = [c for c in CASES if c.method == "get"]


@pytest.mark.parametrize("case", GET_CASES, ids=[c.id() for c in GET_CASES])
def test_get_never_changes_state(client, world, case):
    """SEC-09: no GET changes state — every GET URL, as the most powerful role, leaves the data as it was."""
    client.force_login(world.cast.admin)
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    before = _database_checksum()
    client.get(url + case.query)
    assert _database_checksum() == before
