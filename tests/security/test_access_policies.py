"""SEC-02: every branch of the access layer (dangvu/access/policies.py), one decision per test, on the
fixed cast and tree of tests/conftest.py. ``test_access_layer_branch_coverage`` runs this file under
coverage.py (branch mode) in a subprocess and fails unless every line and branch of the module is taken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvu.access import policies
from dangvu.access.models import Grant, Role
from dangvu.accounts.models import User
from dangvu.organisations.models import Organisation
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _fresh(user):
    """The user without the per-request scope cache."""
    return User.objects.get(pk=user.pk)


# Scope ----------------------------------------------------------------------------------------


def test_sec_02_scope_of_anonymous_and_disabled_users_is_empty(cast):
    from django.contrib.auth.models import AnonymousUser

    assert policies.scope_for(AnonymousUser()).roles == set()
    clerk = _fresh(cast.base_clerk)
    clerk.is_active = False
    assert policies.scope_for(clerk).grants == [] and not policies.scope_for(clerk).superuser


def test_sec_02_scope_is_cached_on_the_user_for_the_request(cast, django_assert_num_queries):
    clerk = _fresh(cast.base_clerk)
    first = policies.scope_for(clerk)
    with django_assert_num_queries(0):
        assert policies.scope_for(clerk) is first


def test_sec_02_an_admin_grant_makes_a_superuser_scope(cast, tree):
    scope = policies.scope_for(_fresh(cast.admin))
    assert scope.superuser and scope.roles == {Role.ADMIN}
    assert scope.roles_at(tree.b2.path) == {Role.ADMIN} and scope.prefixes() == [""]


def test_sec_02_django_superuser_flag_gives_the_admin_scope(db, tree):
    root = User.objects.create_user("sieu", password=PASSWORD, is_superuser=True)
    scope = policies.scope_for(root)
    assert scope.superuser and scope.grants == []
    assert policies.describe_grants(root) == (Role.ADMIN.value, "*")


def test_sec_02_scope_roles_prefixes_and_nested_grants(cast, tree):
    Grant.objects.create(user=cast.base_clerk, organisation=tree.c1, role=Role.LEADER)
    scope = policies.scope_for(_fresh(cast.base_clerk))
    assert scope.roles == {Role.BASE_CLERK, Role.LEADER}
    assert scope.roles_at(tree.c1.path) == {Role.BASE_CLERK, Role.LEADER}
    assert scope.roles_at(tree.b2.path) == set()
    assert scope.prefixes() == [tree.b1.path]  # C1 lies under B1: one prefix is enough
    assert scope.prefixes({Role.LEADER}) == [tree.c1.path]
    assert policies.describe_grants(_fresh(cast.base_clerk)) == ("base_clerk, leader", "B1, C1")


def test_sec_02_a_user_without_grants_matches_nothing(db, tree):
    nobody = User.objects.create_user("khong_quyen", password=PASSWORD)
    assert not policies.organisations_for(nobody, for_write=False).exists()
    with pytest.raises(PermissionDenied):
        policies.require_any_grant(nobody)


def test_sec_02_require_any_grant_passes_with_a_grant(cast):
    assert policies.require_any_grant(_fresh(cast.leader)) is None


# Organisations --------------------------------------------------------------------------------


def test_sec_02_organisations_for_reads_the_subtree_and_writes_only_as_writer(cast, tree):
    clerk, staff = _fresh(cast.base_clerk), _fresh(cast.committee_staff)
    assert set(policies.organisations_for(clerk, for_write=False)) == {tree.b1, tree.c1, tree.c2}
    assert not policies.organisations_for(clerk, for_write=True).exists()  # clerks do not change structure
    assert set(policies.organisations_for(staff, for_write=True)) == set(Organisation.objects.all())


def test_sec_02_access_organisation_outside_scope_is_404(cast, tree):
    with pytest.raises(Http404):
        policies.access_organisation(_fresh(cast.base_clerk), tree.b2.pk, for_write=False)


def test_sec_02_access_organisation_write_without_writer_role_is_403(cast, tree):
    with pytest.raises(PermissionDenied):
        policies.access_organisation(_fresh(cast.leader), tree.b1.pk, for_write=True)


def test_sec_02_access_organisation_read_and_write_when_allowed(cast, tree):
    assert policies.access_organisation(_fresh(cast.leader), tree.c2.pk, for_write=False) == tree.c2
    assert policies.access_organisation(_fresh(cast.committee_staff), tree.b2.pk, for_write=True) == tree.b2


def test_sec_02_member_writing_organisations_and_transfer_destinations(cast, tree):
    clerk, leader = _fresh(cast.base_clerk), _fresh(cast.leader)
    assert set(policies.organisations_for_member_writes(clerk)) == {tree.b1, tree.c1, tree.c2}
    assert not policies.organisations_for_member_writes(leader).exists()
    assert not policies.transfer_destinations(leader).exists()
    destinations = set(policies.transfer_destinations(clerk))
    assert tree.b2 in destinations and tree.c1 in destinations  # outside the subtree: names only


def test_sec_02_may_write_members_in_and_may_change_structure(cast, tree):
    clerk = _fresh(cast.base_clerk)
    assert policies.may_write_members_in(clerk, tree.c1) and not policies.may_write_members_in(clerk, tree.b2)
    assert not policies.may_change_structure(clerk, tree.c1)
    assert policies.may_change_structure(_fresh(cast.committee_staff), tree.c1)


# Members --------------------------------------------------------------------------------------


@pytest.fixture
def members(tree, admit):
    return admit(tree.c1, name="Trần Thị Bình"), admit(tree.b2, name="Lê Văn Cường")


def test_sec_02_members_for_reads_the_subtree_and_writes_only_as_writer(cast, members):
    own, sibling = members
    clerk, inspector = _fresh(cast.base_clerk), _fresh(cast.inspection_staff)
    assert list(policies.members_for(clerk, for_write=False)) == [own]
    assert list(policies.members_for(clerk, for_write=True)) == [own]
    assert set(policies.members_for(inspector, for_write=False)) == {own, sibling}
    assert not policies.members_for(inspector, for_write=True).exists()


def test_sec_02_access_member_outside_scope_is_404(cast, members):
    with pytest.raises(Http404):
        policies.access_member(_fresh(cast.base_clerk), members[1].pk, for_write=False)
    with pytest.raises(Http404):
        policies.access_member(_fresh(cast.base_clerk), 987654, for_write=False)


def test_sec_02_access_member_write_without_writer_role_is_403(cast, members):
    with pytest.raises(PermissionDenied):
        policies.access_member(_fresh(cast.leader), members[0].pk, for_write=True)


def test_sec_02_access_member_read_and_write_when_allowed(cast, members):
    own = members[0]
    assert policies.access_member(_fresh(cast.leader), own.pk, for_write=False) == own
    assert policies.access_member(_fresh(cast.base_clerk), own.pk, for_write=True) == own


def test_sec_03_may_see_sensitive_by_role_and_by_subtree(cast, members):
    own, sibling = members
    clerk, inspector = _fresh(cast.base_clerk), _fresh(cast.inspection_staff)
    assert policies.may_see_sensitive(clerk) and not policies.may_see_sensitive(inspector)
    assert policies.may_see_sensitive(clerk, own) and not policies.may_see_sensitive(clerk, sibling)
    assert not policies.may_see_sensitive(inspector, own)


# Audit ----------------------------------------------------------------------------------------


def test_sec_18_only_administrators_read_the_audit_trail(cast):
    assert policies.require_audit_reader(_fresh(cast.admin)) is None
    assert policies.is_admin(_fresh(cast.admin)) and not policies.is_admin(_fresh(cast.leader))
    for role in ("committee_staff", "inspection_staff", "leader", "base_clerk", "outsider"):
        with pytest.raises(Http404):
            policies.require_audit_reader(_fresh(getattr(cast, role)))


# Coverage -------------------------------------------------------------------------------------


@pytest.mark.skipif(os.environ.get("DANGVU_COVERAGE_CHILD") == "1", reason="this is the measured run")
def test_access_layer_branch_coverage(tmp_path):
    """SEC-02: 100 % line and branch coverage of dangvu/access/policies.py by the tests above."""
    pytest.importorskip("coverage")
    data, report = tmp_path / ".coverage", tmp_path / "coverage.json"
    environment = {**os.environ, "DANGVU_COVERAGE_CHILD": "1", "COVERAGE_FILE": str(data)}
    url = environment.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        # The child creates its own test database: this run's test_<name> is in use by this process.
        base, _, name = url.partition("?")[0].rpartition("/")
        environment["DATABASE_URL"] = f"{base}/{name}_coverage"
    run = subprocess.run([sys.executable, "-m", "coverage", "run", "--branch", "--include=*/dangvu/access/policies.py",
                          "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
                         cwd=ROOT, env=environment, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    subprocess.run([sys.executable, "-m", "coverage", "json", "-o", str(report)], cwd=ROOT, env=environment,
                   check=True, capture_output=True, timeout=120)
    files = json.loads(report.read_text())["files"]
    (measured,) = [v for k, v in files.items() if k.endswith("dangvu/access/policies.py")]
    summary = measured["summary"]
    assert summary["missing_lines"] == 0 and summary["missing_branches"] == 0, (
        f"uncovered lines {measured['missing_lines']}, branches {measured['missing_branches']}")
