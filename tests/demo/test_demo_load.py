"""The demo committee (loaded once for the package, see conftest.py): the tree, the members, the users."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from dangvu.access.models import Grant
from dangvu.accounts.models import User
from dangvu.audit.models import AuditAction, AuditEntry
from dangvu.audit.services import audit_verify_chain
from dangvu.common.dates import add_months, months_between
from dangvu.demo import data
from dangvu.members.ledger import replay
from dangvu.members.models import ACTIVE_STATUSES, EventKind, LedgerEvent, Member, MemberValue
from dangvu.organisations.models import Body, Organisation, OrganisationEvent, OrgType, Post, Term
from dangvu.organisations.services import org_is_active

# The package fixture ``demo`` holds the data; the mark makes pytest-django set up the test database
# even when this module runs alone, and rolls back what each test writes (sessions, audit rows).
pytestmark = pytest.mark.django_db


def test_summary_is_vietnamese_and_lists_the_logins(demo):
    assert "Đã nạp dữ liệu mẫu" in demo
    assert "đang sinh hoạt" in demo
    assert data.DEMO_PASSWORD in demo
    for user in data.DEMO_USERS:
        assert user.username in demo


def test_second_run_changes_nothing(demo):
    before = (Member.objects.count(), Organisation.objects.count(), AuditEntry.objects.count())
    out = StringIO()
    call_command("demo_load", stdout=out)
    assert "đã có" in out.getvalue()
    assert (Member.objects.count(), Organisation.objects.count(), AuditEntry.objects.count()) == before


def test_organisation_tree(root):
    below = Organisation.objects.filter(path__startswith=root.path, ended_on__isnull=True)
    types = Counter(below.values_list("org_type", flat=True))
    assert root.org_type == OrgType.SUPERIOR_COMMITTEE and root.founded_on.year == 2015
    assert root.host_unit.unit_type == "state_agency"
    assert types[OrgType.BASE_PARTY_COMMITTEE] == 2
    assert 8 <= types[OrgType.BASE_CELL] <= 10
    for committee in below.filter(org_type=OrgType.BASE_PARTY_COMMITTEE):
        assert 3 <= committee.children.filter(ended_on__isnull=True).count() <= 4
        assert committee.host_unit.unit_type in ("soe_100", "foreign_invested")
    units = {o.host_unit.unit_type for o in below.filter(org_type=OrgType.BASE_CELL).select_related("host_unit")}
    assert {"joint_stock", "llc", "private_enterprise", "foreign_invested"} <= units
    zones = {o.host_unit.zone_kind for o in below.exclude(host_unit=None).select_related("host_unit")}
    assert {"industrial_zone", "export_processing_zone", "high_tech_park"} <= zones
    for org in below:  # materialized paths are consistent with parents
        expected = (org.parent.path if org.parent else "") + f"{org.pk:07d}."
        assert org.path == expected and org.depth == org.path.count(".") - 1


def test_organisation_story(root):
    kinds = {(e.kind, e.effective_date.year) for e in OrganisationEvent.objects.filter(voided_at__isnull=True)}
    assert ("renaming", 2019) in kinds
    assert ("merger", 2021) in kinds
    assert ("move", 2023) in kinds
    merged = Organisation.objects.get(code="CKKH")
    assert merged.ended_on is not None and merged.successor.code == "CKVP"
    assert not Member.objects.filter(organisation=merged, status__in=ACTIVE_STATUSES).exists()
    assert LedgerEvent.objects.filter(kind=EventKind.ORG_TRANSFER, organisation__code="CKVP").count() > 0
    moved = Organisation.objects.get(code="CKBB")
    assert moved.parent.code == "DBHV"
    assert Member.objects.filter(organisation=moved).exclude(org_path=moved.path).count() == 0


def test_about_six_hundred_members(root):
    members = Member.objects.filter(org_path__startswith=root.path)
    assert 550 <= members.count() <= 650
    assert members.filter(status__in=ACTIVE_STATUSES).count() >= 520
    for cell in Organisation.objects.filter(org_type=OrgType.BASE_CELL, ended_on__isnull=True):
        assert Member.objects.filter(organisation=cell, status__in=ACTIVE_STATUSES).count() < 30


def test_identities_are_plausible_and_unique(demo):
    ids = list(Member.objects.values_list("citizen_id", flat=True))
    assert all(re.fullmatch(r"\d{12}", value) for value in ids)
    assert len(set(ids)) == len(ids)
    cards = [c for c in Member.objects.exclude(card_number=None).values_list("card_number", flat=True)]
    assert len(set(cards)) == len(cards) and cards
    families = Counter(name.split()[0] for name in Member.objects.values_list("full_name", flat=True))
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert Member.objects.exclude(ethnicity="kinh").exists()
    assert Member.objects.exclude(religion="none").exists()
    for member in Member.objects.all():
        assert months_between(member.date_of_birth, member.admitted_on) >= 216, member.full_name


def test_every_cached_state_equals_the_replay_of_its_ledger(demo):
    for member in Member.objects.prefetch_related("events", "spells").select_related("organisation"):
        events = sorted((e for e in member.events.all() if e.voided_at is None),
                        key=lambda e: (e.effective_date, e.id))
        result = replay(events, date_of_birth=member.date_of_birth, is_active_org=org_is_active)
        final = result.final
        assert (member.status, member.organisation_id, member.temporary_organisation_id, member.admitted_on,
                member.official_on, member.is_exempted, member.is_suspended) == (
            final.status, final.organisation_id, final.temporary_organisation_id, final.first_admitted_on,
            final.official_on, final.is_exempted, final.is_suspended), member.full_name
        assert member.org_path == member.organisation.path
        stored = sorted((s.valid_from, s.valid_to, s.status, s.organisation_id) for s in member.spells.all())
        derived = sorted((s.valid_from, s.valid_to, s.state.status, s.state.organisation_id) for s in result.spells())
        assert stored == derived, member.full_name


def test_histories_cover_the_whole_lifecycle(demo):
    kinds = Counter(LedgerEvent.objects.filter(voided_at__isnull=True).values_list("kind", flat=True))
    for kind in ("admission", "recognition", "transfer_in", "transfer", "org_transfer", "transfer_out",
                 "temporary_away", "temporary_return", "removal", "probation_removal", "resignation",
                 "expulsion", "death", "exemption", "suspension", "suspension_end", "readmission"):
        assert kinds[kind] >= 1, kind
    assert kinds["admission"] > 200 and kinds["transfer_in"] > 100
    years = {d.year for d in LedgerEvent.objects.filter(kind=EventKind.ADMISSION).values_list("effective_date", flat=True)}
    assert set(range(2015, 2027)) <= years
    # Ceremonies a few weeks after the decision; recognition exactly 12 months after the ceremony.
    for event in LedgerEvent.objects.filter(kind=EventKind.ADMISSION):
        assert 7 <= (event.ceremony_date - event.effective_date).days <= 45
        recognition = event.member.events.filter(kind=EventKind.RECOGNITION).order_by("effective_date").first()
        if recognition is not None:
            assert recognition.effective_date == add_months(event.ceremony_date, 12)
    readmission = LedgerEvent.objects.get(kind=EventKind.READMISSION)
    removal = readmission.member.events.get(kind=EventKind.REMOVAL)
    assert readmission.effective_date >= add_months(removal.effective_date, 36)


def test_dated_values_change_over_time(demo):
    occupations = Counter(Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("occupation", flat=True))
    assert occupations["worker"] + occupations["enterprise_staff"] + occupations["enterprise_manager"] > 500
    changed = (MemberValue.objects.filter(attribute="occupation").values("member").order_by()
               .annotate(n=Count("id")).filter(n__gt=1))
    assert changed.exists()
    assert Member.objects.filter(is_business_owner=True).count() >= 2
    assert Member.objects.filter(is_youth_union_member=True).exists()
    assert MemberValue.objects.filter(attribute="is_youth_union_member", value="0").exists()


def test_terms_bodies_and_posts(root):
    for code in (data.ROOT_CODE, *data.BASE_PARTY_COMMITTEES):
        terms = Term.objects.filter(organisation__code=code)
        assert {t.label.split(" – ")[1] for t in terms} == {"2020", "2025", "2030"}
        for term in terms:
            kinds = set(term.bodies.values_list("kind", flat=True))
            assert kinds == {"executive_committee", "standing_committee", "inspection_committee"}
            for body in term.bodies.all():
                assert body.posts.exists()
    assert Body.objects.filter(organisation__org_type__in=["base_cell", "subordinate_cell"],
                               kind="executive_committee").count() >= 40
    assert Post.objects.filter(body__organisation=root, kind="secretary").count() == 6  # executive + standing, 3 terms


def test_demo_users_and_their_grants(demo, root, settings):
    # The demo was loaded with the production hashers (before tests/conftest.py swaps in MD5).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    for spec in data.DEMO_USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(data.DEMO_PASSWORD)
        grant = Grant.objects.get(user=user)
        assert (grant.role, grant.organisation.code) == (spec.role, spec.organisation)
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and admin.is_staff
    assert AuditEntry.objects.filter(action=AuditAction.GRANT).count() == len(data.DEMO_USERS)
    system = User.objects.get(username=data.SYSTEM_USERNAME)
    assert not system.has_usable_password() and not system.is_active


def test_audit_chain_is_valid_and_covers_the_writes(demo):
    assert audit_verify_chain() == []
    assert AuditEntry.objects.filter(action=AuditAction.LEDGER_EVENT).count() == LedgerEvent.objects.count()
    assert AuditEntry.objects.filter(action=AuditAction.ORG_EVENT).count() == OrganisationEvent.objects.count()


def test_the_plan_is_reproducible():
    from datetime import date

    from dangvu.demo.builder import plan_demo

    first, second = plan_demo(date(2026, 11, 27)), plan_demo(date(2026, 11, 27))
    describe = lambda plan: [(p.person.full_name, p.dob, p.citizen_id, p.org, p.arrival, p.story)  # noqa: E731
                             for p in plan.people]
    assert describe(first) == describe(second)
