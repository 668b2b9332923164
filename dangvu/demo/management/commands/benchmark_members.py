"""``python manage.py benchmark_members``: generate a large synthetic register and time the member list.

    DJANGO_SETTINGS_MODULE=dangvu.test_settings DATABASE_URL=postgres://…/dangvu_bench \\
        python manage.py benchmark_members --members 200000 --orgs 10000 --requests 200

Generation uses ``bulk_create`` (see ``dangvu.demo.bench``); the pages are then requested through
Django's test client as logged-in users, so the real views, middleware, access layer and templates run.
Reported: server time p50/p95/max per page and the number of SQL queries per page, which must not
depend on the number of rows (compared with the same page restricted to a ~20-member cell).
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dangvu.demo import bench

TARGET_P95_MS = 150.0


def _vn(number: float) -> str:
    return f"{number:,.0f}".replace(",", ".")


class Command(BaseCommand):
    help = "Sinh dữ liệu thử tải (mặc định 200.000 đảng viên, 10.000 tổ chức) và đo thời gian trang danh sách đảng viên."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=200_000)
        parser.add_argument("--orgs", type=int, default=10_000)
        parser.add_argument("--keep", action="store_true", help="Dùng lại dữ liệu thử tải đã có.")
        parser.add_argument("--requests", type=int, default=200, help="Số lần gọi mỗi trang (0: chỉ sinh dữ liệu).")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--simulate", action="append", choices=bench.SIMULATIONS, default=[],
                            help="Đo thử một thay đổi đề xuất (vá tạm thời khi chạy lệnh, không sửa mã).")
        parser.add_argument("--explain", action="store_true",
                            help="In EXPLAIN ANALYZE của truy vấn chậm nhất mỗi trang (PostgreSQL).")

    def handle(self, *args, **options):
        log = self.stdout.write
        stats = bench.existing_stats()
        if stats is not None and not options["keep"]:
            raise CommandError("Cơ sở dữ liệu đã có dữ liệu thử tải (mã BENCH). Thêm --keep để dùng lại, "
                               "hoặc dùng một cơ sở dữ liệu trống.")
        if stats is None:
            log(f"Sinh dữ liệu: {_vn(options['members'])} đảng viên, {_vn(options['orgs'])} tổ chức "
                f"({connection.vendor}) …")
            generator = bench.BenchmarkGenerator(members=options["members"], orgs=options["orgs"],
                                                 seed=options["seed"], log=log)
            stats = generator.generate()
            log(f"Đã sinh trong {stats.seconds:.1f} giây.")
        else:
            log("Dùng lại dữ liệu thử tải đã có.")
        log(f"Dữ liệu: {_vn(stats.organisations)} tổ chức, {_vn(stats.members)} đảng viên, "
            f"{_vn(stats.ledger_events)} sự kiện, {_vn(stats.spells)} giai đoạn sinh hoạt.")
        if options["requests"] <= 0:
            return
        try:
            from django.urls import reverse

            reverse("members:list")
        except Exception as exc:  # noqa: BLE001 - the page may not exist yet
            raise CommandError(f"Chưa có trang members:list: {exc}") from exc
        changes = set(options["simulate"])
        log(f"Đo {options['requests']} lần mỗi trang"
            + (f" (mô phỏng: {', '.join(sorted(changes))})" if changes else "") + " …")
        load_before = os.getloadavg()[0]
        results = bench.measure(stats, requests=options["requests"], log=log, changes=changes)
        self._report(results, options["explain"])
        # The machine may be shared: the load says how much else was running while we measured.
        log(f"Tải máy (load average 1 phút): {load_before:.2f} lúc bắt đầu, {os.getloadavg()[0]:.2f} lúc kết thúc "
            f"({os.cpu_count()} CPU).")

    def _report(self, results, explain: bool) -> None:
        out = self.stdout.write
        out("")
        out("| Trang | Dòng khớp | p50 (ms) | p95 (ms) | max (ms) | Truy vấn | Truy vấn, phạm vi khác¹ |")
        out("|---|---:|---:|---:|---:|---:|---:|")
        for r in results:
            small = "—" if r.queries_small is None else f"{r.queries_small} ({_vn(r.rows_small or 0)} dòng)"
            out(f"| {r.scenario.label} | {_vn(r.rows)} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.queries} | {small} |")
        out("¹ cùng trang với phạm vi một đảng bộ cơ sở (văn phòng cơ sở); với dòng “một chi bộ”: lọc cả Đảng bộ. "
            "Trang không có dòng nào bỏ qua truy vấn lấy trang (Django không truy vấn lát cắt rỗng).")
        out("")
        failed = [r for r in results if r.status != 200]
        slow = [r for r in results if r.p95 > TARGET_P95_MS]
        counts = {r.queries for r in results} | {r.queries_small for r in results if r.queries_small is not None}
        # An empty page runs no page query (Django skips an empty slice): compare pages that have rows.
        same = all(r.queries_small in (None, r.queries) for r in results if r.rows and r.rows_small)
        out(f"HTTP 200 mọi trang: {'ĐẠT' if not failed else 'KHÔNG ĐẠT: ' + ', '.join(r.scenario.key for r in failed)}")
        out(f"p95 < {TARGET_P95_MS:.0f} ms: {'ĐẠT' if not slow else 'KHÔNG ĐẠT: ' + ', '.join(r.scenario.key for r in slow)}")
        out(f"Số truy vấn mỗi trang không đổi theo số dòng: {'ĐẠT' if same else 'KHÔNG ĐẠT'} "
            f"(các giá trị: {', '.join(str(c) for c in sorted(counts))})")
        if explain:
            for r in results:
                for ms, sql in r.slowest_sql[:1]:
                    out("")
                    out(f"--- {r.scenario.key}: truy vấn chậm nhất {ms:.1f} ms")
                    out(sql)
                    out(bench.explain(sql))
