"""``dangvu benchmark_report``: time the summary report on the synthetic register of ``dangvu.demo.bench``.

    DJANGO_SETTINGS_MODULE=dangvu.test_settings DATABASE_URL=postgres://…/h_rep_bench \\
        python manage.py benchmark_report --members 100000 --orgs 5000 --runs 3

The first run generates the register (``demo.bench``: tree and member ledgers since 2005) and an
oversight and discipline history over the same years (``reports.bench``) and keeps them; later runs
reuse them (``--keep`` insists on reusing and never generates).

Times ``engine.compute`` (every figure: membership, development, organisations, oversight and discipline,
with their drill-down populations and the checks; no comparison period, no narrative) for the whole
committee and for one base organisation, and in the same run hand-written SQL computing, independently of
the engine, the figure families listed in ``SQL`` (stocks, the occupation breakdown, admissions,
recognitions, the flows out by kind, oversight lượt by actor and kind, discipline; since the fourth session also
the closing stock by status, sex, ethnicity, religion, education, profession and political theory, and the
admissions by kind, sex, ethnicity and occupation). The first seven statements (54 figures, those of the first
three sessions) are also timed on their own. The command fails when
the engine and the hand-written SQL disagree on any of them. Each time is printed with the CPU time of the
Python process and of the PostgreSQL backend and the machine's load average, since a shared machine
inflates wall-clock times. The engine is timed twice per run: as it runs (on PostgreSQL outside a
transaction its stock statements and the moving members' queries run in threads on connections of their
own, ``reports.stock.run_aside``; the CPU of those backends is not measured) and all in line on this
connection (``stock.CONCURRENT = False``), whose PostgreSQL CPU is all measured; both must give the same
figures. The hand-written SQL runs in line.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dangvu.demo import bench
from dangvu.organisations.models import Organisation
from dangvu.reports import bench as report_bench
from dangvu.reports import stock as report_stock

ACTIVE = "('official', 'probationary')"
# An organisation's spell on a day, inside R (the generated tree does not change: R's path is its path).
IN_SCOPE = """JOIN organisations_organisationspell {a} ON {a}.organisation_id = {org} AND {a}.valid_from <= {day}
             AND ({a}.valid_to IS NULL OR {a}.valid_to > {day}) AND {a}.path LIKE %(root)s"""

SQL = {
    "stock": """
        SELECT 'members.closing', count(*) FROM members_membershipspell ms {scope_to}
        WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)
        UNION ALL
        SELECT 'members.opening', count(*) FROM members_membershipspell ms {scope_opening}
        WHERE ms.status IN {active} AND ms.valid_from <= %(opening)s
          AND (ms.valid_to IS NULL OR ms.valid_to > %(opening)s)""",
    "occupation": """
        SELECT 'members.closing.occupation.' || COALESCE(NULLIF(v.value, ''), 'unknown'), count(*)
        FROM members_membershipspell ms {scope_to}
        LEFT JOIN LATERAL (SELECT value FROM members_membervalue mv WHERE mv.member_id = ms.member_id
             AND mv.attribute = 'occupation' AND mv.valid_from <= %(to)s AND mv.voided_at IS NULL
             ORDER BY mv.valid_from DESC, mv.id DESC LIMIT 1) v ON true
        WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)
        GROUP BY 1""",
    "admissions": """
        SELECT 'admissions.total', count(*) FROM members_ledgerevent e {scope_event}
        WHERE e.voided_at IS NULL AND e.kind IN ('admission', 'readmission')
          AND e.effective_date BETWEEN %(from)s AND %(to)s""",
    "recognitions": """
        SELECT 'members.recognized_official', count(*) FROM members_ledgerevent e
        JOIN members_membershipspell ms ON ms.member_id = e.member_id AND ms.status IN {active}
             AND ms.valid_from <= e.effective_date AND (ms.valid_to IS NULL OR ms.valid_to > e.effective_date)
        {scope_recognition}
        WHERE e.voided_at IS NULL AND e.kind = 'recognition' AND e.effective_date BETWEEN %(from)s AND %(to)s""",
    # Leaving R: an active spell inside R whose last day is in the period, ended by a ledger event of a
    # kind that ends membership or moves it out, and not followed by an active spell inside R.
    "losses": """
        SELECT CASE e.kind WHEN 'death' THEN 'members.died' WHEN 'transfer_out' THEN 'members.transferred_out'
                           WHEN 'removal' THEN 'members.removed' WHEN 'resignation' THEN 'members.resigned'
                           WHEN 'expulsion' THEN 'members.expelled'
                           WHEN 'probation_removal' THEN 'members.probation_removed' END, count(*)
        FROM members_membershipspell ms {scope_last_day}
        JOIN members_ledgerevent e ON e.member_id = ms.member_id AND e.effective_date = ms.valid_to
             AND e.voided_at IS NULL
             AND e.kind IN ('death', 'transfer_out', 'removal', 'resignation', 'expulsion', 'probation_removal')
        WHERE ms.status IN {active} AND ms.valid_to > %(opening)s AND ms.valid_to <= %(to)s
          AND NOT EXISTS (SELECT 1 FROM members_membershipspell nx {scope_next}
                          WHERE nx.member_id = ms.member_id AND nx.valid_from = ms.valid_to AND nx.status IN {active})
        GROUP BY 1""",
    # Lượt: one per subject per activity, by the activity's decision date, the actor relative to R.
    "oversight": """
        SELECT 'oversight.' || k.actor_key || '.' || k.grp || '.' || k.subject, count(*) FROM (
          SELECT CASE
                   WHEN a.organisation_id = %(root_id)s THEN
                     CASE WHEN a.actor IN ('standing_committee', 'executive_committee', 'inspection_committee')
                          THEN a.actor END
                   WHEN os.org_type IN ('base_party_committee', 'base_cell') THEN
                     CASE WHEN a.actor = 'inspection_committee' THEN 'base_inspection_committees'
                          WHEN a.actor IN ('executive_committee', 'standing_committee', 'cell')
                          THEN 'base_committees' END
                   WHEN os.org_type IN ('subordinate_cell', 'sub_committee')
                        AND a.actor IN ('executive_committee', 'cell') THEN 'cells' END AS actor_key,
                 CASE WHEN a.activity_type IN ('supervision_regular', 'supervision_thematic') THEN 'supervision'
                      WHEN a.activity_type IN ('compliance', 'violation_signs', 'oversight_work',
                                               'discipline_enforcement', 'finance', 'asset_declaration')
                      THEN 'inspection' END AS grp,
                 CASE WHEN s.member_id IS NULL THEN 'orgs' ELSE 'members' END AS subject
          FROM oversight_activitysubject s JOIN oversight_activity a ON a.id = s.activity_id {scope_activity}
          WHERE a.decision_date BETWEEN %(from)s AND %(to)s AND a.recorded_at <= %(now)s
            AND s.recorded_at <= %(now)s) k
        WHERE k.actor_key IS NOT NULL AND k.grp IS NOT NULL GROUP BY 1""",
    # Decisions by decision date, not annulled; the subject's organisation inside R that day or the day before.
    "discipline": """
        SELECT 'discipline.members.' || COALESCE(
                 (SELECT ap.previous_form FROM oversight_appeal ap WHERE ap.case_id = c.id AND ap.outcome = 'change'
                  AND ap.outcome_recorded_at > %(now)s ORDER BY ap.outcome_recorded_at, ap.id LIMIT 1),
                 c.decided_form), count(*) FROM oversight_disciplinecase c
        WHERE c.member_id IS NOT NULL AND c.decided_recorded_at <= %(now)s
          AND (c.annulled_recorded_at IS NULL OR c.annulled_recorded_at > %(now)s)
          AND c.decision_date BETWEEN %(from)s AND %(to)s
          AND EXISTS (SELECT 1 FROM organisations_organisationspell os
                      WHERE os.organisation_id = c.subject_organisation_id AND os.path LIKE %(root)s
                        AND os.valid_from <= c.decision_date
                        AND (os.valid_to IS NULL OR os.valid_to > c.decision_date - 1))
        GROUP BY 1""",
    # Added in the fourth session: more of the engine's figures, from the same tables: the closing stock by
    # status, sex, ethnicity, religion and three dated values (the latest of each member's values by DISTINCT ON,
    # one pass for the three), and the admissions by kind, sex, ethnicity and occupation on the admission day.
    "closing_profile": """
        WITH s AS (
          SELECT ms.member_id, ms.status FROM members_membershipspell ms {scope_to}
          WHERE ms.status IN {active} AND ms.valid_from <= %(to)s AND (ms.valid_to IS NULL OR ms.valid_to > %(to)s)),
        v AS (
          SELECT DISTINCT ON (mv.member_id, mv.attribute) mv.member_id, mv.attribute, mv.value
          FROM members_membervalue mv JOIN s ON s.member_id = mv.member_id
          WHERE mv.attribute IN ('general_education', 'professional', 'political_theory')
            AND mv.valid_from <= %(to)s AND mv.voided_at IS NULL
          ORDER BY mv.member_id, mv.attribute, mv.valid_from DESC, mv.id DESC),
        c AS (
          SELECT s.status, m.gender, COALESCE(NULLIF(m.ethnicity, ''), 'unknown') AS ethnicity,
                 COALESCE(NULLIF(m.religion, ''), 'unknown') AS religion,
                 COALESCE(NULLIF(ge.value, ''), 'unknown') AS general_education,
                 COALESCE(NULLIF(pr.value, ''), 'unknown') AS professional,
                 COALESCE(NULLIF(pt.value, ''), 'unknown') AS political_theory
          FROM s JOIN members_member m ON m.id = s.member_id
          LEFT JOIN v ge ON ge.member_id = s.member_id AND ge.attribute = 'general_education'
          LEFT JOIN v pr ON pr.member_id = s.member_id AND pr.attribute = 'professional'
          LEFT JOIN v pt ON pt.member_id = s.member_id AND pt.attribute = 'political_theory')
        SELECT 'members.closing.' || status, count(*) FROM c GROUP BY 1
        UNION ALL SELECT 'members.closing.female', count(*) FROM c WHERE gender = 'female'
        UNION ALL SELECT 'members.closing.ethnicity.' || ethnicity, count(*) FROM c GROUP BY 1
        UNION ALL SELECT 'members.closing.religion.' || religion, count(*) FROM c GROUP BY 1
        UNION ALL SELECT 'members.closing.general_education.' || general_education, count(*) FROM c GROUP BY 1
        UNION ALL SELECT 'members.closing.professional.' || professional, count(*) FROM c GROUP BY 1
        UNION ALL SELECT 'members.closing.political_theory.' || political_theory, count(*) FROM c GROUP BY 1""",
    "admissions_profile": """
        WITH a AS (
          SELECT e.kind, m.gender, COALESCE(NULLIF(m.ethnicity, ''), 'unknown') AS ethnicity,
                 COALESCE(NULLIF(oc.value, ''), 'unknown') AS occupation
          FROM members_ledgerevent e {scope_event} JOIN members_member m ON m.id = e.member_id
          LEFT JOIN LATERAL (SELECT value FROM members_membervalue mv WHERE mv.member_id = e.member_id
               AND mv.attribute = 'occupation' AND mv.valid_from <= e.effective_date AND mv.voided_at IS NULL
               ORDER BY mv.valid_from DESC, mv.id DESC LIMIT 1) oc ON true
          WHERE e.voided_at IS NULL AND e.kind IN ('admission', 'readmission')
            AND e.effective_date BETWEEN %(from)s AND %(to)s)
        SELECT 'admissions.readmitted', count(*) FROM a WHERE kind = 'readmission'
        UNION ALL SELECT 'admissions.female', count(*) FROM a WHERE gender = 'female'
        UNION ALL SELECT 'admissions.ethnicity.' || ethnicity, count(*) FROM a GROUP BY 1
        UNION ALL SELECT 'admissions.occupation.' || occupation, count(*) FROM a GROUP BY 1""",
}
# The statements of the first three sessions (54 figures), timed on their own as well.
FIRST_SQL = ("stock", "occupation", "admissions", "recognitions", "losses", "oversight", "discipline")
assert tuple(SQL)[:len(FIRST_SQL)] == FIRST_SQL


def _sql(name: str) -> str:
    return SQL[name].format(
        active=ACTIVE,
        scope_to=IN_SCOPE.format(a="os", org="ms.organisation_id", day="%(to)s"),
        scope_opening=IN_SCOPE.format(a="os", org="ms.organisation_id", day="%(opening)s"),
        scope_event=IN_SCOPE.format(a="os", org="e.organisation_id", day="e.effective_date"),
        scope_recognition=IN_SCOPE.format(a="os", org="ms.organisation_id", day="e.effective_date"),
        scope_last_day=IN_SCOPE.format(a="os", org="ms.organisation_id", day="(ms.valid_to - 1)"),
        scope_next=IN_SCOPE.format(a="nos", org="nx.organisation_id", day="nx.valid_from"),
        scope_activity=IN_SCOPE.format(a="os", org="a.organisation_id", day="a.decision_date"),
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms".replace(",", ".")


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine only)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = "Đo thời gian lập báo cáo tổng hợp trên dữ liệu thử tải (mặc định 100.000 đảng viên, 5.000 tổ chức)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--orgs", type=int, default=5_000)
        parser.add_argument("--from", dest="date_from", default="2024-01-01")
        parser.add_argument("--to", dest="date_to", default="2024-12-31")
        parser.add_argument("--runs", type=int, default=3, help="số lần đo mỗi phạm vi (0 = chỉ sinh dữ liệu)")
        parser.add_argument("--keep", action="store_true",
                            help="dùng lại dữ liệu thử tải đã có (báo lỗi nếu chưa có), không sinh thêm")

    def handle(self, *args, **options):
        from django.utils import timezone

        from dangvu.reports.engine import compute

        log = self.stdout.write
        stats = bench.existing_stats()
        if stats is None:
            if options["keep"]:
                raise CommandError("Chưa có dữ liệu thử tải trong cơ sở dữ liệu này (bỏ --keep để sinh dữ liệu).")
            log(f"Sinh dữ liệu {options['members']} đảng viên, {options['orgs']} tổ chức …")
            stats = bench.BenchmarkGenerator(members=options["members"], orgs=options["orgs"], log=log).generate()
        oversight = report_bench.oversight_stats()
        if oversight is None:
            if options["keep"]:
                raise CommandError("Chưa có lịch sử kiểm tra, giám sát thử tải (bỏ --keep để sinh dữ liệu).")
            log("Sinh lịch sử kiểm tra, giám sát, kỷ luật …")
            oversight = report_bench.generate_oversight(stats.root_id, log=log)
            if connection.vendor == "postgresql" and connection.get_autocommit():
                with connection.cursor() as cursor:
                    for table in ("oversight_activity", "oversight_activitysubject", "oversight_disciplinecase"):
                        cursor.execute(f"VACUUM ANALYZE {table}")
        log(f"Dữ liệu: {stats.organisations} tổ chức, {stats.members} đảng viên, {stats.ledger_events} sự kiện, "
            f"{stats.spells} giai đoạn; {oversight.activities} cuộc kiểm tra, giám sát, {oversight.subjects} "
            f"đối tượng, {oversight.cases} vụ kỷ luật ({connection.vendor}).")
        if not options["runs"]:
            return
        if connection.vendor != "postgresql":
            raise CommandError("Lệnh đo hiệu năng báo cáo chạy trên PostgreSQL (SQL viết tay dùng cú pháp của PostgreSQL).")
        date_from, date_to = date.fromisoformat(options["date_from"]), date.fromisoformat(options["date_to"])
        failures = []
        for label, pk in (("toàn Đảng bộ", stats.root_id), ("một đảng bộ cơ sở", stats.committee_id)):
            root = Organisation.objects.get(pk=pk)
            load_before = os.getloadavg()
            engine_times, engine_cpu, inline_times, inline_cpu, sql_times, sql_cpu = [], [], [], [], [], []
            first_times, first_cpu = [], []
            for _ in range(options["runs"]):
                # As the engine runs: some reads in threads on connections of their own (reports.stock.run_aside),
                # whose backends' CPU this connection cannot see; then all in line, whose CPU is all measured.
                process, started = time.process_time(), time.perf_counter()
                report = compute(root, date_from, date_to, compare=False, narrative=False)
                engine_times.append(time.perf_counter() - started)
                engine_cpu.append((time.process_time() - process, None))
                concurrent = report_stock.CONCURRENT
                report_stock.CONCURRENT = False
                try:
                    backend, process, started = _backend_cpu(), time.process_time(), time.perf_counter()
                    inline = compute(root, date_from, date_to, compare=False, narrative=False)
                    inline_times.append(time.perf_counter() - started)
                    inline_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
                finally:
                    report_stock.CONCURRENT = concurrent
                if inline.figures != report.figures:
                    failures.append(f"{root.code}: engine with and without threads differ")
                params = {"root": root.path + "%", "root_id": root.pk, "from": date_from, "to": date_to,
                          "opening": date_from - timedelta(days=1), "now": report.as_of}
                backend, process, started = _backend_cpu(), time.process_time(), time.perf_counter()
                sql_values: dict[str, int] = {}
                with connection.cursor() as cursor:
                    for name in SQL:
                        cursor.execute(_sql(name), params)
                        sql_values.update(cursor.fetchall())
                        if name == FIRST_SQL[-1]:
                            first_times.append(time.perf_counter() - started)
                            first_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
                sql_times.append(time.perf_counter() - started)
                sql_cpu.append((time.process_time() - process, (_backend_cpu() or 0) - (backend or 0)))
            load_after = os.getloadavg()
            # Every figure of the families the hand-written SQL computes (it returns no row for an empty group).
            checked = set(sql_values) | _compared_ids()
            wrong = {fid: (report.figures.get(fid), sql_values.get(fid, 0)) for fid in sorted(checked)
                     if report.figures.get(fid, 0) != sql_values.get(fid, 0)}
            if wrong:
                failures.append(f"{root.code}: " + "; ".join(f"{k} engine {a} / SQL {b}" for k, (a, b) in wrong.items()))

            def summary(times, cpu):
                backend = (f"PostgreSQL {_ms(min(c[1] for c in cpu))}" if cpu[0][1] is not None
                           else "PostgreSQL: các kết nối phụ, không đo")
                return (f"min {_ms(min(times))}, trung vị {_ms(statistics.median(times))} "
                        f"(CPU Python {_ms(min(c[0] for c in cpu))}, {backend})")

            log(f"{label} ({root.code}): engine {summary(engine_times, engine_cpu)}; "
                f"engine in line (no threads) {summary(inline_times, inline_cpu)}; "
                f"hand-written SQL {summary(sql_times, sql_cpu)} (its first 54 figures alone, as before: "
                f"{summary(first_times, first_cpu)}); "
                f"{len(checked)} figures compared, {len(wrong)} differ; closing {report.figures['members.closing']}, "
                f"opening {report.figures['members.opening']}, admissions {report.figures['admissions.total']}, "
                f"discipline {report.figures['discipline.members.total']}; method {report.method}, "
                f"{len(report.figures)} figures; load {load_before[0]:.2f} → {load_after[0]:.2f} "
                f"({timezone.localtime():%d/%m/%Y %H:%M}).")
        if failures:
            raise CommandError("Báo cáo và SQL viết tay không khớp: " + " | ".join(failures))


def _compared_ids() -> set[str]:
    from dangvu.codes.data import LISTS
    from dangvu.oversight.figures import ACTORS

    ids = {"members.closing", "members.opening", "admissions.total", "members.recognized_official",
           "members.died", "members.transferred_out", "members.removed", "members.resigned", "members.expelled",
           "members.probation_removed"}
    ids |= {f"members.closing.occupation.{code}" for code, _label in LISTS["occupation"]}
    ids |= {f"oversight.{actor}.{group}.{subject}" for actor in ACTORS for group in ("inspection", "supervision")
            for subject in ("orgs", "members")}
    ids |= {f"discipline.members.{form}" for form in ("reprimand", "warning", "dismissal", "expulsion")}
    ids |= {"members.closing.official", "members.closing.probationary", "members.closing.female",
            "admissions.readmitted", "admissions.female"}
    ids |= {f"members.closing.{attribute}.{code}" for attribute in ("ethnicity", "religion", "general_education",
                                                                    "professional", "political_theory")
            for code, _label in LISTS[attribute]}
    ids |= {f"admissions.{attribute}.{code}" for attribute in ("ethnicity", "occupation")
            for code, _label in LISTS[attribute]}
    return ids
