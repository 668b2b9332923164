"""Inspection, supervision and discipline in the demo (confidential chapter).

For the last three years: the annual programmes of the committee's Standing Committee and Inspection
Committee with their planned items, the activities that carry them out (and a few unplanned ones by
the base party committees and the cells) with their conclusions, a thematic supervision that found
signs of violation and was turned into an inspection, six discipline cases (reprimands, a warning, an
expulsion written into the ledger, an appeal resolved and one still pending, one case still under
review) and a suspension of party activity that ends soon.

The sizes follow the seed article scaled to a committee of about 600 members: a few activities a
year per body, mostly reprimands among the discipline decisions. Everything goes through
``dangvu.oversight.services`` (keyword arguments only), so the rules and the audit apply.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from dangvu.demo import data
from dangvu.demo.picking import MemberPicker, before, dated_numbers, weekday

SEED = data.SEED + 2
ROOT_UBKT = "Ủy ban Kiểm tra Đảng ủy Khu công nghiệp Tân Hưng"
BPC1_UBKT = "Ủy ban Kiểm tra Đảng ủy Tổng Công ty Cơ khí Tân Hưng"
PLACE_CELLS = ("CKCX", "CKPD", "CKVP", "HVSM", "HVQC", "HVHC", "CBDM", "CBGD", "CBDP", "CBLG")


@dataclass(frozen=True)
class ItemSpec:
    """A planned item of a programme and, for each year, the organisations it covers (or members)."""

    actor: str
    activity_type: str
    months: tuple[int, int]
    subjects: str
    content: str
    orgs_by_year: tuple[tuple[str, ...], ...] = ()  # oldest year first; empty: members of the cells
    members: int = 0
    findings: str = "Thực hiện cơ bản đúng quy định; một số nội dung cần rút kinh nghiệm."
    conclusion: str = "no_violation"
    skip_current_year: bool = False


ITEMS: list[ItemSpec] = [
    ItemSpec("standing_committee", "compliance", (4, 6), "Đảng ủy, chi bộ cơ sở (3 tổ chức)",
             "Kiểm tra việc chấp hành Điều lệ Đảng và nghị quyết của Đảng ủy về công tác phát triển đảng viên "
             "trong doanh nghiệp.",
             (("DBCK", "CBDM", "CBLG"), ("DBHV", "CBTP", "CBGD"), ("CBDP", "CBMP", "CBSM")),
             findings="Chấp hành tốt Điều lệ Đảng; hồ sơ phát triển đảng viên có nơi còn chậm, cần khắc phục.",
             conclusion="shortcomings"),
    ItemSpec("standing_committee", "supervision_thematic", (8, 10), "Cấp ủy các chi bộ cơ sở (4 tổ chức)",
             "Giám sát chuyên đề việc thực hiện quy chế làm việc và nâng cao chất lượng sinh hoạt chi bộ.",
             (("CBVM", "CBSM", "CBGD", "CBDP"), ("CBCQ", "CBMP", "CBDM", "CBLG"), ("CBTP", "CBVM", "CBGD", "CBDM")),
             findings="Sinh hoạt chi bộ đều đặn, nội dung sinh hoạt chuyên đề còn ít.", skip_current_year=True),
    ItemSpec("inspection_committee", "oversight_work", (3, 5), "Đảng ủy cơ sở",
             "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật trong Đảng của cấp ủy, "
             "ủy ban kiểm tra cơ sở.",
             (("DBHV",), ("DBCK",), ("DBHV", "CBDM")),
             findings="Đã xây dựng và thực hiện chương trình kiểm tra, giám sát năm; hồ sơ lưu trữ đầy đủ."),
    ItemSpec("inspection_committee", "finance", (6, 8), "Chi bộ cơ sở, đảng ủy cơ sở (2 tổ chức)",
             "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí.",
             (("CBTP", "CBGD"), ("CBLG", "CBDP"), ("DBCK", "CBVM")),
             findings="Thu đảng phí đúng mức; có quý nộp đảng phí lên cấp trên chậm so với quy định.",
             conclusion="shortcomings"),
    ItemSpec("inspection_committee", "supervision_thematic", (9, 11), "Đảng viên (3 đồng chí)",
             "Giám sát chuyên đề việc tu dưỡng, rèn luyện đạo đức, lối sống và thực hiện những điều đảng viên "
             "không được làm.", members=3,
             findings="Giữ gìn phẩm chất đạo đức, lối sống; thực hiện đúng những điều đảng viên không được làm."),
    ItemSpec("inspection_committee", "supervision_regular", (1, 12), "Tổ chức đảng cơ sở",
             "Giám sát thường xuyên việc lãnh đạo thực hiện nghị quyết và sinh hoạt định kỳ của tổ chức đảng.",
             (("CBMP",), ("CBSM",), ("CBGD", "CBTP")),
             findings="Tổ chức sinh hoạt định kỳ đúng quy định."),
]

FIRST_DECISION_DAY = 8  # activities start around the 8th of the first planned month


@dataclass
class Story:
    """What the loader remembers for the tests and the summary."""

    programmes: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    appeals: list = field(default_factory=list)
    suspensions: list = field(default_factory=list)


class OversightDemo:
    def __init__(self, loader, picker: MemberPicker | None = None):
        self.loader = loader
        self.actor = loader.actor
        self.horizon: date = loader.horizon
        self.rng = random.Random(SEED)
        self.picker = picker or MemberPicker(self.rng)
        self.orgs = loader.orgs
        for organisation in self.orgs.values():
            organisation.refresh_from_db()
        self.root = self.orgs[data.ROOT_CODE]
        self.story = Story()

    # Helpers -----------------------------------------------------------------------------------

    def _number(self, body: str, suffix: str, day: date) -> str:
        return dated_numbers(self.loader).next(body, suffix, day)

    def _decision(self, body: str, suffix: str, day: date):
        from dangvu.organisations.services import Decision

        return Decision(f"{self._number(body, suffix, day)}-{suffix}", day, body)

    def _people(self, organisation, body_kind: str, day: date) -> list[str]:
        from dangvu.organisations.models import Post

        order = ("inspection_chair", "inspection_vice_chair", "secretary", "deputy_secretary", "standing_member",
                 "inspection_member", "committee_member")
        posts = (Post.objects.filter(body__organisation=organisation, body__kind=body_kind, starts_on__lte=day)
                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).select_related("member"))
        posts = sorted(posts, key=lambda p: (order.index(p.kind) if p.kind in order else 9, p.pk))
        return [p.member.full_name for p in posts]

    def _team(self, organisation, actor_kind: str, day: date) -> str:
        body = {"standing_committee": "standing_committee", "inspection_committee": "inspection_committee"}.get(
            actor_kind, "executive_committee")
        names = self._people(organisation, body, day)
        if len(names) < 2:
            return ""
        lead, others = names[1 if actor_kind == "standing_committee" and len(names) > 2 else 0], names[2:4]
        return f"Trưởng đoàn: đồng chí {lead}; thành viên: " + ", ".join(f"đồng chí {n}" for n in others) + "."

    def _member_of(self, code: str, start: date, end: date, *, count: int = 1, exclude_posts: bool = False) -> list:
        return self.picker.in_status(self.orgs[code], start, min(end, self.horizon), count=count,
                                     exclude_posts=exclude_posts)

    def _activity(self, *, organisation, actor_kind: str, activity_type: str, day: date, topic: str,
                  body: str, suffix: str, orgs=(), members=(), item=None, origin=None, period=None):
        from dangvu.oversight.services import activity_create

        period_from, period_to = period or (None, None)
        activity = activity_create(
            actor=self.actor, organisation=organisation, actor_kind=actor_kind, activity_type=activity_type,
            decision=self._decision(body, suffix, day), topic=topic,
            plan="Đoàn làm việc trực tiếp với đối tượng, nghiên cứu hồ sơ, báo cáo kết quả trong 30 ngày.",
            team=self._team(organisation, actor_kind, day), period_from=period_from, period_to=period_to,
            programme_item=item, subject_organisations=list(orgs), subject_members=list(members), origin=origin)
        self.story.activities.append(activity)
        return activity

    def _conclude(self, activity, day: date, *, conclusion: str = "no_violation", findings: str = "",
                  signs: dict | None = None, overrides: dict | None = None) -> None:
        """Conclude every subject of ``activity`` on ``day`` (if that day has come)."""
        from dangvu.oversight.services import subject_conclude

        if day > self.horizon:
            return
        signs, overrides = signs or {}, overrides or {}
        for subject in activity.subjects.order_by("id"):
            key = subject.member_id or subject.organisation_id
            chosen, text = overrides.get(key, (conclusion, findings))
            subject_conclude(actor=self.actor, subject=subject, conclusion=chosen, findings=text,
                             concluded_on=day, signs_of_violation=signs.get(key, False))

    def _subject(self, activity, member):
        return activity.subjects.get(member=member)

    # Programmes --------------------------------------------------------------------------------

    def programmes(self) -> dict:
        """Programmes of the last three years; returns the activity of each (year, item) carried out."""
        from dangvu.oversight.services import programme_add_item, programme_create

        done = {}
        years = [self.horizon.year - 2, self.horizon.year - 1, self.horizon.year]
        for index, year in enumerate(years):
            items = {}
            for actor_kind, body, suffix in (("standing_committee", data.ROOT_BODY, "CTr/ĐU"),
                                             ("inspection_committee", ROOT_UBKT, "CTr/UBKT")):
                day = date(year, 1, 5)
                label = "Ban Thường vụ" if actor_kind == "standing_committee" else "Ủy ban Kiểm tra"
                programme = programme_create(
                    actor=self.actor, organisation=self.root, actor_kind=actor_kind, year=year,
                    title=f"Chương trình kiểm tra, giám sát năm {year} của {label} Đảng ủy Khu công nghiệp Tân Hưng",
                    decision_number=f"{self._number(body, suffix, day)}-{suffix}")
                self.story.programmes.append(programme)
                for n, spec in enumerate(ITEMS):
                    if spec.actor != actor_kind:
                        continue
                    start, end = spec.months
                    last = (date(year, end + 1, 1) if end < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
                    items[n] = programme_add_item(
                        actor=self.actor, programme=programme, activity_type=spec.activity_type,
                        subjects=spec.subjects, content=spec.content, planned_from=date(year, start, 1),
                        planned_to=last)
            for n, spec in enumerate(ITEMS):
                if spec.skip_current_year and year == self.horizon.year:
                    continue  # not yet carried out: the programme page shows it overdue
                day = weekday(date(year, spec.months[0], FIRST_DECISION_DAY))
                if day > self.horizon - timedelta(days=10):
                    continue
                done[(year, n)] = self._carry_out(spec, items[n], index, day)
        return done

    def _carry_out(self, spec: ItemSpec, item, index: int, day: date):
        concluded = weekday(day + timedelta(days=35))
        orgs, members = [], []
        if spec.orgs_by_year:
            orgs = [self.orgs[code] for code in spec.orgs_by_year[index]]
        else:
            for code in self.rng.sample(PLACE_CELLS, spec.members):
                members += self._member_of(code, day - timedelta(days=60), concluded)
        body, suffix = ((data.ROOT_BODY, "QĐ/ĐU") if spec.actor == "standing_committee" else (ROOT_UBKT, "QĐ/UBKT"))
        period = (date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)) if spec.activity_type in (
            "finance", "oversight_work", "compliance") else None
        activity = self._activity(organisation=self.root, actor_kind=spec.actor, activity_type=spec.activity_type,
                                  day=day, topic=spec.content, body=body, suffix=suffix, orgs=orgs, members=members,
                                  item=item, period=period)
        if spec.members == 0:
            # One organisation of each finance inspection gets the shortcoming; the others none.
            overrides = {}
            if spec.conclusion == "shortcomings" and len(orgs) > 1:
                for other in orgs[1:]:
                    overrides[other.pk] = ("no_violation", "Thực hiện đúng quy định.")
            self._conclude(activity, concluded, conclusion=spec.conclusion, findings=spec.findings,
                           overrides=overrides)
        return activity

    # The stories -------------------------------------------------------------------------------

    def escalation_and_warning(self, supervision) -> None:
        """The thematic supervision of last year found signs of violation by one member: the Inspection
        Committee inspects him and decides a warning."""
        from dangvu.oversight.services import activity_escalate, case_decide, case_open

        day = supervision.decision_date
        concluded = weekday(day + timedelta(days=35))
        subjects = list(supervision.subjects.order_by("id"))
        suspect = subjects[0]
        self._conclude(supervision, concluded, findings=ITEMS[4].findings, overrides={
            suspect.member_id: ("violation", "Có biểu hiện vi phạm quy định về những điều đảng viên không được "
                                             "làm: tham gia góp vốn kinh doanh nhưng không báo cáo chi bộ."),
        }, signs={suspect.member_id: True})
        suspect.refresh_from_db()
        escalated_on = weekday(concluded + timedelta(days=7))
        inspection = activity_escalate(
            actor=self.actor, activity=supervision, subjects=[suspect], organisation=self.root,
            actor_kind="inspection_committee", decision=self._decision(ROOT_UBKT, "QĐ/UBKT", escalated_on),
            topic="Kiểm tra khi có dấu hiệu vi phạm trong việc thực hiện những điều đảng viên không được làm.",
            team=self._team(self.root, "inspection_committee", escalated_on))
        self.story.activities.append(inspection)
        found = weekday(escalated_on + timedelta(days=30))
        self._conclude(inspection, found, conclusion="discipline_required",
                       findings="Vi phạm Quy định những điều đảng viên không được làm; đến mức phải xem xét kỷ luật.")
        subject = inspection.subjects.get()
        case = case_open(actor=self.actor, activity_subject=subject, violation_from=day - timedelta(days=200),
                         violation_content="party_duties",
                         violation_description="Tham gia góp vốn, điều hành doanh nghiệp tư nhân mà không báo cáo "
                                               "chi bộ, trái với Quy định những điều đảng viên không được làm.",
                         proposed_form="warning")
        decided = weekday(found + timedelta(days=14))
        case_decide(actor=self.actor, case=case, deciding_organisation=self.root,
                    deciding_actor="inspection_committee", concluded_on=found,
                    votes={"warning": 4, "reprimand": 1}, voting_members=5,
                    decision_number=f"{self._number(ROOT_UBKT, 'QĐ/UBKT', decided)}-QĐ/UBKT",
                    decision_date=decided, delivered_on=weekday(decided + timedelta(days=3)))
        self.story.cases.append(case)

    def expulsion(self) -> None:
        """An inspection on signs of violation; the Standing Committee expels the member (ledger event)."""
        from dangvu.oversight.services import case_decide, case_open

        day = before(self.horizon, 330)
        found, decided = weekday(day + timedelta(days=30)), weekday(day + timedelta(days=50))
        member = self._member_of("HVSM", day - timedelta(days=400), decided, exclude_posts=True)[0]
        cell = self.orgs["HVSM"]
        inspection = self._activity(
            organisation=self.root, actor_kind="inspection_committee", activity_type="violation_signs", day=day,
            topic="Kiểm tra đảng viên khi có dấu hiệu vi phạm pháp luật trong quản lý vật tư của doanh nghiệp.",
            body=ROOT_UBKT, suffix="QĐ/UBKT", members=[member])
        self._conclude(inspection, found, conclusion="discipline_required",
                       findings="Lợi dụng vị trí công tác chiếm đoạt vật tư của doanh nghiệp; vi phạm đặc biệt "
                                "nghiêm trọng, đã bị khởi tố.")
        case = case_open(actor=self.actor, activity_subject=self._subject(inspection, member),
                         violation_from=day - timedelta(days=150), violation_to=day - timedelta(days=40),
                         violation_content="policy_law",
                         violation_description="Chiếm đoạt vật tư của doanh nghiệp, vi phạm pháp luật, bị khởi tố.",
                         proposed_form="expulsion", especially_serious=True)
        total = self._official_count(cell, decided)  # the cell's proposal (DIS-05)
        case_decide(actor=self.actor, case=case, deciding_organisation=self.root,
                    deciding_actor="standing_committee", concluded_on=found, votes={"expulsion": 5},
                    voting_members=5, proposal_votes=total - 2, proposal_members=total,
                    decision_number=f"{self._number(data.ROOT_BODY, 'QĐ/ĐU', decided)}-QĐ/ĐU",
                    decision_date=decided, delivered_on=weekday(decided + timedelta(days=4)))
        self.story.cases.append(case)

    def cell_reprimand_with_appeal(self) -> None:
        """A base cell reprimands a member; his appeal to the Inspection Committee is resolved (kept)."""
        from dangvu.oversight.services import appeal_file, appeal_resolve, case_decide, case_open

        cell = self.orgs["CBTP"]
        day = before(self.horizon, 200)
        found, decided = weekday(day + timedelta(days=20)), weekday(day + timedelta(days=30))
        member = self._member_of("CBTP", day - timedelta(days=200), decided)[0]
        inspection = self._activity(
            organisation=cell, actor_kind="cell", activity_type="violation_signs", day=day,
            topic="Kiểm tra đảng viên khi có dấu hiệu vi phạm về sinh hoạt đảng và đóng đảng phí.",
            body=cell.name, suffix="QĐ/CB", members=[member])
        self._conclude(inspection, found, conclusion="discipline_required",
                       findings="Nhiều lần không sinh hoạt chi bộ không có lý do, chậm đóng đảng phí.")
        case = case_open(actor=self.actor, activity_subject=self._subject(inspection, member),
                         violation_from=day - timedelta(days=120), violation_content="party_duties",
                         violation_description="Ba lần không dự sinh hoạt chi bộ không có lý do chính đáng; "
                                               "chậm đóng đảng phí hai tháng.", proposed_form="reprimand")
        total = self._official_count(cell, decided)
        delivered = weekday(decided + timedelta(days=2))
        case_decide(actor=self.actor, case=case, deciding_organisation=cell, deciding_actor="cell",
                    concluded_on=found, votes={"reprimand": total - 3, "warning": 1}, voting_members=total,
                    decision_number=f"{self._number(cell.name, 'QĐ/CB', decided)}-QĐ/CB", decision_date=decided,
                    delivered_on=delivered)
        received = weekday(delivered + timedelta(days=10))
        appeal = appeal_file(actor=self.actor, case=case, received_on=received,
                             content="Đề nghị xem xét lại vì việc vắng sinh hoạt do làm ca đêm theo phân công.",
                             handling_organisation=self.root, handling_actor="inspection_committee")
        resolved = weekday(received + timedelta(days=40))
        appeal_resolve(actor=self.actor, appeal=appeal, outcome="keep",
                       outcome_number=f"{self._number(ROOT_UBKT, 'QĐ/UBKT', resolved)}-QĐ/UBKT",
                       outcome_date=resolved)
        self.story.cases.append(case)
        self.story.appeals.append(appeal)

    def base_reprimand_with_pending_appeal(self) -> None:
        """The inspection committee of a base party committee inspects a member; the base committee
        reprimands him; his appeal to the Standing Committee is still being handled."""
        from dangvu.oversight.services import appeal_file, case_decide, case_open

        bpc = self.orgs["DBCK"]
        day = before(self.horizon, 90)
        found, decided = weekday(day + timedelta(days=25)), weekday(day + timedelta(days=45))
        member = self._member_of("CKCX", day - timedelta(days=200), decided)[0]
        inspection = self._activity(
            organisation=bpc, actor_kind="inspection_committee", activity_type="violation_signs", day=day,
            topic="Kiểm tra đảng viên khi có dấu hiệu vi phạm quy định về an toàn lao động và quản lý ca sản xuất.",
            body=BPC1_UBKT, suffix="QĐ/UBKT", members=[member])
        self._conclude(inspection, found, conclusion="discipline_required",
                       findings="Thiếu trách nhiệm trong quản lý ca sản xuất để xảy ra sự cố an toàn lao động.")
        case = case_open(actor=self.actor, activity_subject=self._subject(inspection, member),
                         violation_from=day - timedelta(days=60), violation_content="policy_law",
                         violation_description="Thiếu trách nhiệm trong quản lý ca sản xuất, để xảy ra sự cố an "
                                               "toàn lao động gây thiệt hại cho doanh nghiệp.",
                         proposed_form="reprimand")
        delivered = weekday(decided + timedelta(days=3))
        case_decide(actor=self.actor, case=case, deciding_organisation=bpc, deciding_actor="executive_committee",
                    concluded_on=found, votes={"reprimand": 8, "warning": 1}, voting_members=9,
                    decision_number=f"{self._number(data.BPC1_BODY, 'QĐ/ĐU', decided)}-QĐ/ĐU",
                    decision_date=decided, delivered_on=delivered)
        received = weekday(delivered + timedelta(days=12))
        if received <= self.horizon:
            appeal = appeal_file(actor=self.actor, case=case, received_on=received,
                                 content="Đề nghị xem xét lại mức độ trách nhiệm cá nhân trong sự cố.",
                                 handling_organisation=self.root, handling_actor="standing_committee")
            self.story.appeals.append(appeal)
        self.story.cases.append(case)

    def base_reprimand(self) -> None:
        """Two years ago the second base party committee reprimanded a member (no activity before it)."""
        from dangvu.oversight.services import case_decide, case_open

        bpc = self.orgs["DBHV"]
        decided = before(self.horizon, 600)
        member = self._member_of("HVQC", decided - timedelta(days=300), decided)[0]
        case = case_open(actor=self.actor, member=member, violation_from=decided - timedelta(days=120),
                         violation_content="ethics",
                         violation_description="Vi phạm quy định về đạo đức, lối sống: uống rượu bia gây mất trật tự "
                                               "tại khu nhà ở công nhân.", proposed_form="reprimand")
        case_decide(actor=self.actor, case=case, deciding_organisation=bpc, deciding_actor="executive_committee",
                    concluded_on=decided - timedelta(days=10), votes={"reprimand": 9}, voting_members=9,
                    decision_number=f"{self._number(data.BPC2_BODY, 'QĐ/ĐU', decided)}-QĐ/ĐU",
                    decision_date=decided, delivered_on=weekday(decided + timedelta(days=3)))
        self.story.cases.append(case)

    def open_case(self) -> None:
        """A case still under review: the limitation period shows on the deadlines."""
        from dangvu.oversight.services import case_open

        start = before(self.horizon, 100)
        member = self._member_of("CBLG", start - timedelta(days=200), self.horizon)[0]
        case = case_open(actor=self.actor, member=member, violation_from=start, violation_content="party_duties",
                         violation_description="Không chấp hành sự phân công của chi bộ trong công tác vận động "
                                               "công nhân.", proposed_form="reprimand")
        self.story.cases.append(case)

    def suspension(self) -> None:
        from dangvu.oversight.services import suspension_decide

        starts = before(self.horizon, 75)
        member = self._member_of("CKPD", starts - timedelta(days=300), starts, exclude_posts=True)[0]
        suspension = suspension_decide(
            actor=self.actor, member=member, kind="party", ground="prosecuted", deciding_organisation=self.root,
            deciding_actor="standing_committee",
            decision_number=f"{self._number(data.ROOT_BODY, 'QĐ/ĐU', starts)}-QĐ/ĐU", starts_on=starts,
            ends_on=starts + timedelta(days=89), prosecuted_on=starts - timedelta(days=4),
            notified_on=starts - timedelta(days=2))
        self.story.suspensions.append(suspension)

    def unplanned(self) -> None:
        """Activities of the base party committees and the cells (outside the committee's programmes)."""
        dbhv, dbck = self.orgs["DBHV"], self.orgs["DBCK"]
        day = before(self.horizon, 400)
        activity = self._activity(
            organisation=dbhv, actor_kind="executive_committee", activity_type="compliance", day=day,
            topic="Kiểm tra việc chấp hành chế độ sinh hoạt chi bộ và quản lý đảng viên đi làm theo ca.",
            body=data.BPC2_BODY, suffix="QĐ/ĐU",
            orgs=[self.orgs[c] for c in ("HVSM", "HVQC", "HVHC", "CKBB")])
        self._conclude(activity, weekday(day + timedelta(days=40)), findings="Chấp hành tốt chế độ sinh hoạt.",
                       overrides={self.orgs["HVSM"].pk: ("shortcomings", "Một số kỳ sinh hoạt vắng quá 1/3 "
                                                                         "đảng viên do làm ca.")})
        day = before(self.horizon, 150)
        members = [m for code in ("CKCX", "CKPD", "CKVP", "CKCX") for m in self._member_of(code, day - timedelta(days=90),
                                                                                         day + timedelta(days=30))]
        activity = self._activity(
            organisation=dbck, actor_kind="standing_committee", activity_type="supervision_regular", day=day,
            topic="Giám sát thường xuyên việc thực hiện nhiệm vụ của đảng viên giữ chức vụ quản lý phân xưởng.",
            body=data.BPC1_BODY, suffix="QĐ/ĐU", members=members)
        self._conclude(activity, weekday(day + timedelta(days=30)),
                       findings="Hoàn thành tốt nhiệm vụ được giao, giữ mối liên hệ với nơi cư trú.")
        for code, days_before, kind, topic in (
                ("CBDM", 240, "supervision_regular",
                 "Giám sát đảng viên trong việc thực hiện nhiệm vụ sản xuất và nội quy lao động."),
                ("CKPD", 60, "supervision_thematic",
                 "Giám sát chuyên đề việc giữ mối liên hệ với chi ủy và nhân dân nơi cư trú.")):
            cell, day = self.orgs[code], before(self.horizon, days_before)
            members = self._member_of(code, day - timedelta(days=90), day + timedelta(days=20), count=2)
            activity = self._activity(organisation=cell, actor_kind="cell", activity_type=kind, day=day,
                                      topic=topic, body=cell.name, suffix="QĐ/CB", members=members)
            self._conclude(activity, weekday(day + timedelta(days=20)),
                           findings="Thực hiện tốt; cần tích cực hơn trong sinh hoạt đoàn thể.")

    def _official_count(self, cell, day: date) -> int:
        from dangvu.members.models import MembershipSpell

        return (MembershipSpell.objects.filter(organisation=cell, status="official", valid_from__lte=day)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day)).values("member").distinct().count())

    def run(self) -> Story:
        done = self.programmes()
        last_year_supervision = done.get((self.horizon.year - 1, 4))
        if last_year_supervision is not None:
            self.escalation_and_warning(last_year_supervision)
        # Supervisions of members in the other years are concluded without findings.
        for (year, n), activity in done.items():
            if n == 4 and year != self.horizon.year - 1:
                self._conclude(activity, weekday(activity.decision_date + timedelta(days=35)),
                               findings=ITEMS[4].findings)
        self.expulsion()
        self.cell_reprimand_with_appeal()
        self.base_reprimand_with_pending_appeal()
        self.base_reprimand()
        self.open_case()
        self.suspension()
        self.unplanned()
        return self.story


def load_oversight(loader, picker: MemberPicker | None = None) -> Story:
    return OversightDemo(loader, picker).run()
