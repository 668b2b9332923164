"""Oversight pages (``dangvu.oversight.urls``): confidential. Organisation staff and base clerks get 404
on every URL, even for records in their own subtree (nobody can tell that a case exists); inspection
staff and administrators read and write; leaders read (403 on writes). Objects are created lazily
through the real services and cached on the shared ``world``."""

from __future__ import annotations

from datetime import date

from tests.access.spec import Case, roles

READ = roles(404, admin=200, inspection_staff=200, leader=200)
WRITE = roles(404, admin=200, inspection_staff=200, leader=403)


def objects(world):
    cached = getattr(world, "_oversight", None)
    if cached is not None:
        return cached
    from dangvu.organisations.services import Decision
    from dangvu.oversight import services

    actor, tree = world.cast.admin, world.tree
    activity = services.activity_create(
        actor=actor, organisation=tree.du, actor_kind="inspection_committee", activity_type="supervision_thematic",
        decision=Decision("12-QĐ/UBKT", date(2026, 3, 2)), topic="Giám sát chuyên đề",
        subject_organisations=[tree.b1], subject_members=[world.member_own])
    subject = activity.subjects.filter(member=world.member_own).get()
    services.subject_conclude(actor=actor, subject=subject, conclusion="discipline_required", findings="Vi phạm",
                              concluded_on=date(2026, 3, 20), signs_of_violation=True)
    case = services.case_open(actor=actor, activity_subject=subject, violation_from=date(2026, 1, 5),
                              violation_content="ethics", violation_description="Vi phạm", proposed_form="reprimand")
    decided = services.case_open(actor=actor, member=world.member_sibling, violation_from=date(2026, 1, 5),
                                 violation_content="party_duties", violation_description="Vi phạm",
                                 proposed_form="reprimand")
    services.case_decide(actor=actor, case=decided, deciding_organisation=tree.b2, deciding_actor="cell",
                         concluded_on=date(2026, 4, 1), votes={"reprimand": 5}, voting_members=7,
                         decision_number="3-QĐ/CB", decision_date=date(2026, 4, 1), delivered_on=date(2026, 4, 2))
    appeal = services.appeal_file(actor=actor, case=decided, received_on=date(2026, 4, 10), content="Khiếu nại",
                                  handling_organisation=tree.du, handling_actor="standing_committee")
    programme = services.programme_create(actor=actor, organisation=tree.du, actor_kind="standing_committee",
                                          year=2026, title="Chương trình kiểm tra, giám sát năm 2026")
    suspension = services.suspension_decide(
        actor=actor, member=world.member_own, kind="party", ground="detained", deciding_organisation=tree.du,
        deciding_actor="standing_committee", decision_number="9-QĐ/ĐU", starts_on=date(2026, 5, 4),
        ends_on=date(2026, 7, 31))
    org_suspension = services.suspension_decide(
        actor=actor, organisation=tree.c1, kind="organisation", ground="obstruction", deciding_organisation=tree.b1,
        deciding_actor="executive_committee", decision_number="2-QĐ/ĐU", starts_on=date(2026, 5, 4),
        ends_on=date(2026, 6, 30))
    world._oversight = {"activity": activity.pk, "subject": subject.pk, "case": case.pk, "appeal": appeal.pk,
                        "programme": programme.pk, "suspension": suspension.pk, "org_suspension": org_suspension.pk}
    return world._oversight


def kw(*names):
    def build(world):
        found = objects(world)
        return {("pk" if i == 0 else "subject_pk"): found[name] for i, name in enumerate(names)}
    return build


def _both(url_name, expect, kwargs=lambda world: {}):
    return [Case(url_name, expect, kwargs=kwargs),
            Case(url_name, expect, kwargs=kwargs, method="post", label="empty")]


CASES = [
    Case("oversight:index", READ),
    Case("oversight:figures", READ),
    Case("oversight:figures", READ, query="?tu=01/01/2026&den=30/06/2026&chi_so=discipline.members.total",
         label="drill-down"),
    Case("oversight:activity_detail", READ, kwargs=kw("activity")),
    Case("oversight:case_detail", READ, kwargs=kw("case")),
    Case("oversight:case_detail", READ, kwargs=lambda w: {"pk": objects(w)["case"] + 1}, label="decided"),
    Case("oversight:programme_detail", READ, kwargs=kw("programme")),
    Case("oversight:programme_detail", WRITE, kwargs=kw("programme"), method="post", label="empty"),
    Case("oversight:programme_list", READ),
    Case("oversight:programme_list", WRITE, method="post", label="empty"),
    Case("oversight:postponed", READ),
    Case("oversight:postponed", WRITE, method="post", label="empty"),
    *_both("oversight:case_new_judgment", WRITE),
    *_both("oversight:case_resume", WRITE, kw("case")),
    Case("oversight:suspension_detail", READ, kwargs=kw("suspension")),
    Case("oversight:suspension_detail", READ, kwargs=kw("org_suspension"), label="organisation"),
    Case("oversight:suspension_detail", WRITE, kwargs=kw("suspension"), method="post", label="empty"),
    *_both("oversight:activity_new", WRITE),
    *_both("oversight:suspension_new", WRITE),
    *_both("oversight:subject_conclude", WRITE, kw("activity", "subject")),
    *_both("oversight:case_new", WRITE, kw("activity", "subject")),
    *_both("oversight:activity_escalate", WRITE, kw("activity")),
    *_both("oversight:case_decide", WRITE, kw("case")),
    *_both("oversight:appeal_new", WRITE, kw("case")),
    *_both("oversight:appeal_resolve", WRITE, kw("appeal")),
]
