"""``python manage.py demo_load``: the fictional committee "Đảng bộ Khu công nghiệp Tân Hưng".

Everything is written through the services (rules and audit apply) by a system user, inside one
transaction: either the whole demo is there or nothing is. Running it again when the demo exists
only says so. The data are invented (deployment profile C: demo only).
"""

from __future__ import annotations

import time
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dangvu.demo import data


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (hư cấu): Đảng bộ Khu công nghiệp Tân Hưng, khoảng 600 đảng viên, tài khoản thử."

    def handle(self, *args, **options):
        from dangvu.organisations.models import Organisation

        if Organisation.objects.filter(code=data.ROOT_CODE).exists():
            self.stdout.write(f"Dữ liệu mẫu đã có (tổ chức {data.ROOT_CODE} – {data.ROOT_NAME}); không nạp lại.")
            return
        from dangvu.accounts.models import User

        taken = list(User.objects.filter(username__in=[u.username for u in data.DEMO_USERS])
                     .values_list("username", flat=True))
        if taken:
            raise CommandError(f"Tên đăng nhập đã có người dùng: {', '.join(sorted(taken))}. "
                               "Cơ sở dữ liệu này không dùng được cho dữ liệu mẫu.")
        horizon = min(data.HORIZON, timezone.localdate())
        started = time.perf_counter()
        with transaction.atomic():
            load_demo(horizon)
        elapsed = time.perf_counter() - started
        self.stdout.write(summary(elapsed))


def load_demo(horizon: date) -> None:
    from dangvu.accounts.models import User
    from dangvu.demo.builder import DemoLoader

    actor = User.objects.filter(username=data.SYSTEM_USERNAME).first()
    if actor is None:
        # Cannot log in: no usable password, inactive. It only signs the demo's writes.
        actor = User(username=data.SYSTEM_USERNAME, first_name="Tài khoản hệ thống (nạp dữ liệu mẫu)",
                     is_active=False)
        actor.set_unusable_password()
        actor.save()
    elif actor.has_usable_password():
        raise CommandError(f"Người dùng {data.SYSTEM_USERNAME} đã có mật khẩu: không dùng làm tài khoản hệ thống.")
    loader = DemoLoader(actor, horizon)
    loader.run()
    create_demo_users(actor, loader.orgs)
    load_chapters(loader)


def load_chapters(loader) -> None:
    """What the committee does with its members: development, oversight, an issued report. Written
    through the services of those apps, after the history of the tree and the ledger."""
    import random

    from dangvu.demo.development_demo import load_development
    from dangvu.demo.oversight_demo import load_oversight
    from dangvu.demo.picking import MemberPicker
    from dangvu.demo.report_demo import load_report

    picker = MemberPicker(random.Random(data.SEED + 3))  # no member plays two parts
    load_development(loader, picker)
    load_oversight(loader, picker)
    load_report(loader)


def create_demo_users(actor, orgs) -> None:
    from dangvu.access.services import grant_create
    from dangvu.accounts.models import User
    from dangvu.audit.models import AuditAction
    from dangvu.audit.services import audit_record

    for spec in data.DEMO_USERS:
        user = User(username=spec.username, first_name=spec.full_name, is_staff=spec.superuser,
                    is_superuser=spec.superuser)
        validate_password(data.DEMO_PASSWORD, user)
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        audit_record(actor=actor, action=AuditAction.CREATE, target=user,
                     new={"username": user.username, "is_superuser": user.is_superuser, "is_staff": user.is_staff},
                     reason="Dữ liệu mẫu")
        grant_create(actor=actor, user=user, organisation=orgs[spec.organisation], role=spec.role)


def _vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def summary(elapsed: float) -> str:
    from dangvu.members.models import ACTIVE_STATUSES, Member, MemberStatus
    from dangvu.organisations.models import Organisation, OrgType

    orgs = Organisation.objects.filter(path__startswith=Organisation.objects.get(code=data.ROOT_CODE).path)
    active = orgs.filter(ended_on__isnull=True)
    by_type = dict(active.values_list("org_type").annotate(n=Count("id")))
    members = Member.objects.filter(org_path__startswith=orgs.first().path)
    counts = members.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        official=Count("id", filter=Q(status=MemberStatus.OFFICIAL)),
        probationary=Count("id", filter=Q(status=MemberStatus.PROBATIONARY)),
        women=Count("id", filter=Q(status__in=ACTIVE_STATUSES, gender="female")),
    )
    lines = [
        f"Đã nạp dữ liệu mẫu trong {elapsed:.1f} giây.".replace(".", ",", 1),
        f"Tổ chức đảng: {_vn(active.count())} đang hoạt động — "
        f"{by_type.get(OrgType.SUPERIOR_COMMITTEE, 0)} đảng bộ cấp trên trực tiếp cơ sở, "
        f"{by_type.get(OrgType.BASE_PARTY_COMMITTEE, 0)} đảng bộ cơ sở, "
        f"{by_type.get(OrgType.BASE_CELL, 0)} chi bộ cơ sở, "
        f"{by_type.get(OrgType.SUBORDINATE_CELL, 0)} chi bộ trực thuộc; "
        f"{orgs.count() - active.count()} đã sáp nhập hoặc giải thể.",
        f"Đảng viên: {_vn(counts['total'])} hồ sơ, trong đó {_vn(counts['active'])} đang sinh hoạt "
        f"({_vn(counts['official'])} chính thức, {_vn(counts['probationary'])} dự bị; {_vn(counts['women'])} nữ).",
        *chapters(orgs),
        f"Tài khoản đăng nhập (mật khẩu chung: {data.DEMO_PASSWORD}):",
    ]
    for spec in data.DEMO_USERS:
        lines.append(f"  {spec.username:<9} – {spec.description}")
    lines.append("Dữ liệu hoàn toàn hư cấu (hồ sơ triển khai C: chỉ dùng để trình diễn, không dùng thật).")
    return "\n".join(lines)


def chapters(orgs) -> list[str]:
    """Lines of the summary on member development, oversight and the issued reports."""
    from dangvu.development.models import Candidate, Stage
    from dangvu.oversight.models import Activity, Appeal, CaseStatus, DisciplineCase, Programme, Suspension
    from dangvu.reports.models import IssuedReport

    candidates = Candidate.objects.filter(organisation__in=orgs)
    admitted = candidates.filter(stage__in=(Stage.PROBATIONARY, Stage.OFFICIAL)).count()
    official = candidates.filter(stage=Stage.OFFICIAL).count()
    cases = DisciplineCase.objects.filter(subject_organisation__in=orgs)
    decided = cases.filter(status=CaseStatus.DECIDED).count()
    appeals = Appeal.objects.filter(case__in=cases)
    lines = [
        f"Phát triển đảng viên: {_vn(candidates.count())} quần chúng ưu tú ở "
        f"{_vn(candidates.values('organisation').distinct().count())} chi bộ, trong đó {_vn(admitted)} đã được "
        f"kết nạp ({_vn(official)} đã được công nhận đảng viên chính thức).",
        f"Kiểm tra, giám sát, kỷ luật: {_vn(Programme.objects.filter(organisation__in=orgs).count())} chương trình "
        f"năm, {_vn(Activity.objects.filter(organisation__in=orgs).count())} cuộc kiểm tra, giám sát; "
        f"{_vn(cases.count())} vụ việc kỷ luật ({_vn(decided)} đã quyết định), {_vn(appeals.count())} khiếu nại "
        f"({_vn(appeals.filter(outcome='').count())} đang giải quyết), "
        f"{_vn(Suspension.objects.filter(subject_organisation__in=orgs).count())} quyết định đình chỉ sinh hoạt đảng.",
    ]
    for issued in IssuedReport.objects.filter(organisation__in=orgs).order_by("issued_at", "id"):
        lines.append(f"Báo cáo đã ban hành: {issued.number} về {issued.title}.")
    return lines
