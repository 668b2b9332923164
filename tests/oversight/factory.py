"""Builders for oversight tests, through the real services (shared with the access matrix)."""

from __future__ import annotations

from datetime import date

from dangvu.common.dates import add_months
from dangvu.members.models import EventKind
from dangvu.members.services import member_admit, member_record_event
from dangvu.organisations.models import Body, Term
from dangvu.organisations.services import Decision, body_create, post_assign, term_create
from dangvu.oversight import services

_counter = {"n": 0}


def official(actor, organisation, name, on=date(2016, 3, 1), *, recognise=True, gender="male"):
    _counter["n"] += 1
    member = member_admit(actor=actor, profile={"full_name": name, "gender": gender,
                                                "date_of_birth": date(1985, 5, 1),
                                                "citizen_id": f"0791{_counter['n']:08d}"},
                          organisation=organisation, decision=Decision(f"K{_counter['n']}-QĐ/ĐU", on, "BTV"),
                          admitted_on=on, ceremony_date=on)
    if recognise:
        member_record_event(actor=actor, member=member, kind=EventKind.RECOGNITION, effective_date=add_months(on, 12),
                            decision=Decision("9-QĐ/ĐU", add_months(on, 12), "BTV"))
        member.refresh_from_db()
    return member


def body(actor, organisation, kind="executive_committee"):
    term = Term.objects.filter(organisation=organisation).first() or term_create(
        actor=actor, organisation=organisation, label="2020 – 2025", starts_on=date(2020, 10, 1), ends_on=None)
    return Body.objects.filter(term=term, kind=kind).first() or body_create(actor=actor, term=term, kind=kind)


def post(actor, organisation, member, kind="committee_member", body_kind="executive_committee",
         starts_on=date(2020, 10, 1)):
    return post_assign(actor=actor, body=body(actor, organisation, body_kind), member=member, kind=kind,
                       starts_on=starts_on)


def activity(actor, organisation, actor_kind="inspection_committee", activity_type="violation_signs", *,
             on=date(2026, 3, 2), orgs=(), members=(), number="01-QĐ/UBKT", item=None, origin=None):
    return services.activity_create(actor=actor, organisation=organisation, actor_kind=actor_kind,
                                    activity_type=activity_type, decision=Decision(number, on, ""),
                                    topic="Nội dung kiểm tra", subject_organisations=orgs, subject_members=members,
                                    programme_item=item, origin=origin)


def open_case(actor, member=None, organisation=None, *, form="reprimand", violation_from=date(2025, 6, 1), **extra):
    return services.case_open(actor=actor, member=member, organisation=organisation, violation_from=violation_from,
                              violation_content="ethics", violation_description="Vi phạm đạo đức, lối sống",
                              proposed_form=form, **extra)


def decide(actor, case, organisation, actor_kind="standing_committee", *, form="reprimand", votes=None, members=9,
           on=date(2026, 4, 1), concluded_on=None, delivered_on=None, **extra):
    return services.case_decide(actor=actor, case=case, deciding_organisation=organisation, deciding_actor=actor_kind,
                                concluded_on=concluded_on or on, votes={form: members} if votes is None else votes,
                                voting_members=members, decision_number="15-QĐ/ĐU", decision_date=on,
                                delivered_on=delivered_on, **extra)
