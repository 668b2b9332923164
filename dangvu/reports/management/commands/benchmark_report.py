"""``dangvu benchmark_report``: time the summary report on the synthetic register of ``dangvu.demo.bench``.

    DJANGO_SETTINGS_MODULE=dangvu.test_settings DATABASE_URL=postgres://…/h_rep_bench \\
        python manage.py benchmark_report --members 100000 --orgs 5000

Times ``engine.compute`` (membership, development, organisations, oversight and discipline figures with
their drill-down populations and checks; no comparison period, no narrative) for the whole committee and
for one base organisation, and in the same run hand-written SQL computing the core membership figures.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import connection

from dangvu.demo import bench
from dangvu.organisations.models import Organisation

SQL = {
    "members.closing": """
        SELECT count(*) FROM members_membershipspell ms JOIN organisations_organisationspell os
          ON os.organisation_id = ms.organisation_id AND os.valid_from <= %(to)s
             AND (os.valid_to IS NULL OR os.valid_to > %(to)s)
        WHERE ms.status IN ('official', 'probationary') AND ms.valid_from <= %(to)s
          AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s) AND os.path LIKE %(root)s""",
    "members.opening": """
        SELECT count(*) FROM members_membershipspell ms JOIN organisations_organisationspell os
          ON os.organisation_id = ms.organisation_id AND os.valid_from <= %(opening)s
             AND (os.valid_to IS NULL OR os.valid_to > %(opening)s)
        WHERE ms.status IN ('official', 'probationary') AND ms.valid_from <= %(opening)s
          AND (ms.valid_to IS NULL OR ms.valid_to > %(opening)s) AND os.path LIKE %(root)s""",
    "members.closing.occupation.*": """
        SELECT v.value, count(*) FROM members_membershipspell ms JOIN organisations_organisationspell os
          ON os.organisation_id = ms.organisation_id AND os.valid_from <= %(to)s
             AND (os.valid_to IS NULL OR os.valid_to > %(to)s)
        LEFT JOIN LATERAL (SELECT value FROM members_membervalue mv WHERE mv.member_id = ms.member_id
             AND mv.attribute = 'occupation' AND mv.valid_from <= %(to)s AND mv.voided_at IS NULL
             ORDER BY mv.valid_from DESC, mv.id DESC LIMIT 1) v ON true
        WHERE ms.status IN ('official', 'probationary') AND ms.valid_from <= %(to)s
          AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s) AND os.path LIKE %(root)s GROUP BY v.value""",
    "members.* flows": """
        SELECT e.kind, count(*) FROM members_ledgerevent e JOIN organisations_organisationspell os
          ON os.organisation_id = COALESCE(e.organisation_id, e.from_organisation_id)
             AND os.valid_from <= e.effective_date AND (os.valid_to IS NULL OR os.valid_to > e.effective_date)
        WHERE e.voided_at IS NULL AND e.effective_date BETWEEN %(from)s AND %(to)s AND os.path LIKE %(root)s
        GROUP BY e.kind""",
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", ".")


class Command(BaseCommand):
    help = "Đo thời gian lập báo cáo tổng hợp trên dữ liệu thử tải (mặc định 100.000 đảng viên, 5.000 tổ chức)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--orgs", type=int, default=5_000)
        parser.add_argument("--from", dest="date_from", default="2024-01-01")
        parser.add_argument("--to", dest="date_to", default="2024-12-31")
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, **options):
        from dangvu.reports.engine import compute

        log = self.stdout.write
        stats = bench.existing_stats()
        if stats is None:
            log(f"Sinh dữ liệu {options['members']} đảng viên, {options['orgs']} tổ chức …")
            stats = bench.BenchmarkGenerator(members=options["members"], orgs=options["orgs"], log=log).generate()
        log(f"Dữ liệu: {stats.organisations} tổ chức, {stats.members} đảng viên, {stats.ledger_events} sự kiện, "
            f"{stats.spells} giai đoạn ({connection.vendor}).")
        date_from, date_to = date.fromisoformat(options["date_from"]), date.fromisoformat(options["date_to"])
        for label, pk in (("toàn Đảng bộ", stats.root_id), ("một đảng bộ cơ sở", stats.committee_id)):
            root = Organisation.objects.get(pk=pk)
            engine_times, sql_times = [], []
            for _ in range(options["runs"]):
                started = time.perf_counter()
                report = compute(root, date_from, date_to, compare=False, narrative=False)
                engine_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                params = {"root": root.path + "%", "from": date_from, "to": date_to,
                          "opening": date.fromordinal(date_from.toordinal() - 1)}
                sql_values = {}
                with connection.cursor() as cursor:
                    for name, sql in SQL.items():
                        cursor.execute(sql, params)
                        sql_values[name] = cursor.fetchall()
                sql_times.append(time.perf_counter() - started)
            log(f"{label} ({root.code}): engine min {_ms(min(engine_times))}, "
                f"hand-written SQL min {_ms(min(sql_times))}; "
                f"closing {report.figures['members.closing']} (SQL {sql_values['members.closing'][0][0]}), "
                f"opening {report.figures['members.opening']} (SQL {sql_values['members.opening'][0][0]}), "
                f"method {report.method}, {len(report.figures)} figures.")
