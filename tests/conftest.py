"""Shared fixtures: a small organisation tree and the fixed cast of users.

The tree (all founded 01/01/2015)::

    DU   Đảng bộ Khu công nghiệp Demo (superior committee)
    ├── B1  Đảng bộ Công ty Alpha (base party committee)
    │   ├── C1  Chi bộ Phân xưởng 1 (subordinate cell)
    │   └── C2  Chi bộ Phân xưởng 2 (subordinate cell)
    └── B2  Chi bộ Công ty Beta (base cell)

The cast: ``admin`` (system administrator), ``committee_staff`` (organisation staff on DU),
``inspection_staff`` (inspection staff on DU), ``leader`` (read-only on DU), ``base_clerk`` (base
clerk on B1: own subtree B1/C1/C2, sibling B2, parent DU) and ``outsider`` (base clerk on B2 only).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

import pytest

from dangvu.access.models import Grant, Role
from dangvu.accounts.models import User
from dangvu.organisations.models import Organisation
from dangvu.organisations.services import Decision, organisation_found

FOUNDED = date(2015, 1, 1)
DECISION = Decision("01-QĐ/ĐU", FOUNDED, "Ban Thường vụ Đảng ủy")
PASSWORD = "Mật-khẩu-Thử-2026!"


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} (NAME={database.get('NAME')})"


class _LogScanner(logging.Handler):
    """Collects every log line of the run; SEC-19: none may carry a password, a session id or a full
    citizen ID (12 digits)."""

    FORBIDDEN = re.compile(r"(?<!\d)\d{12}(?!\d)|sessionid|password\s*[=:]|Mật-khẩu-Thử", re.IGNORECASE)

    def __init__(self):
        super().__init__(level=logging.NOTSET)
        self.lines = 0
        self.leaks: list[str] = []

    def emit(self, record):
        try:
            text = self.format(record)
        except Exception:  # pragma: no cover - a broken record is not a leak
            return
        self.lines += 1
        if self.FORBIDDEN.search(text):
            self.leaks.append(text[:300])


@pytest.fixture(scope="session", autouse=True)
def _scan_logs_for_secrets():
    scanner = _LogScanner()
    scanner.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(scanner)
    yield scanner
    root.removeHandler(scanner)
    assert not scanner.leaks, f"SEC-19: secrets in the logs of this run: {scanner.leaks[:5]}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 stays the production hasher (tests/accounts check it); tests only need speed here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Tree:
    du: Organisation
    b1: Organisation
    c1: Organisation
    c2: Organisation
    b2: Organisation


@dataclass
class Cast:
    admin: User
    committee_staff: User
    inspection_staff: User
    leader: User
    base_clerk: User
    outsider: User

    def all(self) -> dict[str, User]:
        return dict(self.__dict__)


@pytest.fixture
def system_user(db) -> User:
    return User.objects.create_user("he_thong", password=PASSWORD, is_superuser=True)


@pytest.fixture
def tree(db, system_user) -> Tree:
    def found(code, name, org_type, parent):
        return organisation_found(actor=system_user, code=code, name=name, org_type=org_type, parent=parent,
                                  founded_on=FOUNDED, decision=DECISION)

    du = found("DU", "Đảng bộ Khu công nghiệp Demo", "superior_committee", None)
    b1 = found("B1", "Đảng bộ Công ty Alpha", "base_party_committee", du)
    c1 = found("C1", "Chi bộ Phân xưởng 1", "subordinate_cell", b1)
    c2 = found("C2", "Chi bộ Phân xưởng 2", "subordinate_cell", b1)
    b2 = found("B2", "Chi bộ Công ty Beta", "base_cell", du)
    return Tree(du=du, b1=b1, c1=c1, c2=c2, b2=b2)


@pytest.fixture
def cast(tree) -> Cast:
    def user(username, role=None, organisation=None, **extra):
        created = User.objects.create_user(username, password=PASSWORD, first_name=username, **extra)
        if role:
            Grant.objects.create(user=created, organisation=organisation, role=role)
        return created

    return Cast(
        admin=user("admin", Role.ADMIN, tree.du),
        committee_staff=user("committee_staff", Role.ORG_STAFF, tree.du),
        inspection_staff=user("inspection_staff", Role.INSPECTION_STAFF, tree.du),
        leader=user("leader", Role.LEADER, tree.du),
        base_clerk=user("base_clerk", Role.BASE_CLERK, tree.b1),
        outsider=user("outsider", Role.BASE_CLERK, tree.b2),
    )


def profile(name="Nguyễn Văn An", born=date(1990, 5, 1), gender="male", **extra):
    return {"full_name": name, "gender": gender, "date_of_birth": born, **extra}


@pytest.fixture
def admit(system_user):
    """admit(org, name=..., on=date, ceremony=date) -> Member, through the real service."""
    from dangvu.members.services import member_admit

    counter = {"n": 0}

    def _admit(organisation, name="Nguyễn Văn An", on=date(2016, 3, 1), ceremony=None, born=date(1990, 5, 1),
               **extra):
        counter["n"] += 1
        citizen_id = extra.pop("citizen_id", f"0790900{counter['n']:05d}")
        return member_admit(actor=system_user, profile=profile(name, born, citizen_id=citizen_id, **extra),
                            organisation=organisation, decision=Decision(f"{counter['n']}-QĐ/ĐU", on, "BTV"),
                            admitted_on=on, ceremony_date=ceremony or on)

    return _admit
