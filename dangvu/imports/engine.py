"""The import engine shared by the browser and the command line.

``run_batch`` reads the batch's file, maps its headers, parses and validates every row (phase 1, no
writes), then — only when phase 1 found nothing wrong — writes every row through the domain services
inside ONE transaction (phase 2): new rows in chunks through the kind's bulk path when it has one
(``MemberKind.apply_many`` → ``member_admit_many``, same rules, every refused row reported), the others
each in a savepoint, so that every refusal is reported with its rule ID. A dry run, or any error in phase 2, rolls the whole transaction back: nothing is written.
A commit records the provenance rows, the batch status and the audit row in that same transaction,
so a killed process leaves the database exactly as before.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.common.bulk import bulk_insert, quick_thread_switches
from dangvu.imports import parsing
from dangvu.imports.models import BatchStatus, ImportBatch, ImportRow
from dangvu.rules.engine import RuleViolation

MAX_STORED_ROWS = 2000
MAX_STORED_ISSUES = 2000
PROGRESS_EVERY = 50
BULK_CHUNK = 2500  # new rows written together by a kind's bulk path (memory stays flat: ~480 MB at 100 000 rows)


@dataclass
class Issue:
    row: int
    column: str
    value: str
    reason: str
    rule_id: str = ""


@dataclass
class RowResult:
    row: int
    outcome: str = ""  # new / update / unchanged / error
    label: str = ""
    issues: list[Issue] = field(default_factory=list)
    plan: dict = field(default_factory=dict, repr=False)


OUTCOME_LABELS = {"new": "Thêm mới", "update": "Cập nhật", "unchanged": "Không đổi", "error": "Lỗi"}


@dataclass
class Report:
    ok: bool = True
    committed: bool = False
    file_issues: list[Issue] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def issues(self) -> list[Issue]:
        return [*self.file_issues, *(i for r in self.rows for i in r.issues)]

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.outcome or "error"] = counts.get(row.outcome or "error", 0) + 1
        counts["total"] = len(self.rows)
        counts["issues"] = len(self.issues)
        return counts

    def as_json(self) -> dict:
        rows = self.rows
        shown = [r for r in rows if r.outcome == "error"][:MAX_STORED_ROWS]
        shown += [r for r in rows if r.outcome != "error"][: max(0, MAX_STORED_ROWS - len(shown))]
        shown.sort(key=lambda r: r.row)
        return {
            "ok": self.ok, "committed": self.committed, "notes": self.notes, "columns": self.columns,
            "file_issues": [asdict(i) for i in self.file_issues],
            "issues": [asdict(i) for i in self.issues][:MAX_STORED_ISSUES],
            "rows": [{"row": r.row, "outcome": r.outcome, "label": r.label} for r in shown],
            "rows_truncated": len(rows) > len(shown),
        }


def issue_text(issue: Issue | dict) -> str:
    """The one-line message shared by the browser and the command line."""
    data = asdict(issue) if isinstance(issue, Issue) else issue
    where = f"Dòng {data['row']}" if data["row"] else "Tệp"
    column = f", cột “{data['column']}”" if data["column"] else ""
    value = f", giá trị “{data['value']}”" if data["value"] not in ("", None) else ""
    rule = f" [{data['rule_id']}]" if data["rule_id"] and f"[{data['rule_id']}]" not in data["reason"] else ""
    return f"{where}{column}{value}:{rule} {data['reason']}"


# Progress -----------------------------------------------------------------------------------------

def progress_path(batch_id: int):
    folder = settings.DATA_DIR / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"progress-{batch_id}.json"


def write_progress(batch_id: int, done: int, total: int, phase: str, *, error: str = "") -> None:
    """Progress lives in a small file, not in the database: the commit's transaction is not visible to
    other connections until it ends, and a second writer would wait for it on SQLite. ``error``: why a
    background run stopped (shown on the batch's page)."""
    path = progress_path(batch_id)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # one writer's own file: no race on it
    tmp.write_text(json.dumps({"done": done, "total": total, "phase": phase, "error": error,
                               "pid": os.getpid(), "at": timezone.now().isoformat()}))
    tmp.replace(path)


def read_progress(batch_id: int) -> dict | None:
    try:
        return json.loads(progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


# Running ------------------------------------------------------------------------------------------

class Context:
    def __init__(self, *, batch: ImportBatch, user, dry_run: bool):
        self.batch = batch
        self.user = user
        self.dry_run = dry_run
        self.today = timezone.localdate()
        self.provenance: list[ImportRow] = []
        self.source = f"Nhập từ tệp {batch.file_name} (lô {batch.pk})"
        self.upcoming: list | None = None  # the next chunk of new rows, while one is written (``run_batch``)

    def remember(self, row: int, obj, action: str, changes: dict | None = None) -> None:
        from django.contrib.contenttypes.models import ContentType

        self.provenance.append(ImportRow(batch=self.batch, row_number=row,
                                         content_type=ContentType.objects.get_for_model(type(obj)),
                                         object_id=obj.pk, action=action, before=changes or {}))


def _parse_rows(kind, sheet: parsing.Sheet, report: Report) -> list[tuple[RowResult, dict]]:
    match = parsing.match_headers(sheet, kind.variants())
    if match is None:
        report.file_issues.append(Issue(0, "", "", "Không tìm thấy dòng tiêu đề: cần các cột như "
                                        + ", ".join(f"“{f.label}”" for f in kind.FIELDS if f.required) + "."))
        return []
    header_number = sheet.rows[match.row][0]
    for spec in kind.FIELDS:
        if spec.required and spec.name not in match.columns:
            report.file_issues.append(Issue(header_number, spec.label, "",
                                            f"Thiếu cột bắt buộc “{spec.label}”."))
    for missing in kind.missing_groups(match.columns):
        report.file_issues.append(Issue(header_number, missing, "", f"Thiếu cột bắt buộc: {missing}."))
    report.columns = match.labels
    if match.unused:
        report.notes.append("Các cột không dùng (bỏ qua): " + ", ".join(f"“{u}”" for u in match.unused) + ".")
    parsed = []
    for number, values in sheet.rows[match.row + 1:]:
        result = RowResult(row=number)
        row: dict = {}
        for spec in kind.FIELDS:
            column = match.columns.get(spec.name)
            if column is None or spec.parse is None:
                continue
            raw = values[column] if column < len(values) else None
            try:
                row[spec.name] = spec.parse(raw)
            except parsing.BadValue as exc:
                shown = "" if raw is parsing.MERGED else str(raw if raw is not None else "")
                result.issues.append(Issue(number, match.labels[spec.name], shown, str(exc)))
        parsed.append((result, row))
    return parsed


def run_batch(batch: ImportBatch, *, user, dry_run: bool,
              progress: Callable[[int, int, str], None] | None = None) -> Report:
    # Other threads and processes work beside this one (the second half of a large sheet read by a child process;
    # the bulk path's COPY worker and planning thread, which mostly wait on PostgreSQL): quick hand-overs.
    with quick_thread_switches():
        return _run_batch(batch, user=user, dry_run=dry_run, progress=progress)


def _run_batch(batch: ImportBatch, *, user, dry_run: bool,
               progress: Callable[[int, int, str], None] | None) -> Report:
    from dangvu.imports.kinds import KINDS

    kind = KINDS[batch.kind]()
    report = Report()
    try:
        sheet = parsing.read_file(bytes(batch.content), batch.file_name)
    except parsing.FileRefused as exc:
        report.file_issues.append(Issue(0, "", "", str(exc)))
        report.ok = False
        return report
    report.notes.extend(sheet.notes)
    batch.sheet_name = sheet.name[:100]
    parsed = _parse_rows(kind, sheet, report)
    total = len(parsed)
    if report.file_issues:
        report.ok = False
        return report
    context = Context(batch=batch, user=user, dry_run=dry_run)
    # Phase 1: validation, no writes.
    kind.prepare(context, [row for _r, row in parsed])
    for index, (result, row) in enumerate(parsed, start=1):
        if not result.issues:
            kind.validate(context, result, row)
        result.outcome = "error" if result.issues else (result.outcome or "new")
        report.rows.append(result)
        if progress and index % (PROGRESS_EVERY * 20) == 0:
            progress(index, total, "validate")
    if report.file_issues or any(r.issues for r in report.rows) or not parsed:
        if not parsed and not report.file_issues:
            report.file_issues.append(Issue(0, "", "", "Tệp không có dòng dữ liệu nào."))
        report.ok = False
        return report
    # Phase 2: through the services, all in one transaction. New rows go in chunks through the kind's bulk
    # path when it has one (the same rules, one query per kind of record); the others row by row.
    bulk = kind.apply_many
    with transaction.atomic():
        pending: list[tuple[RowResult, dict]] = []

        def flush(done: int) -> None:
            if not pending:
                return
            try:
                with transaction.atomic():
                    refused = bulk(context, pending)
            except (IntegrityError, ValueError) as exc:
                refused = []
                for result, _row in pending:
                    result.issues.append(Issue(result.row, "", "", f"Không ghi được dòng này: {exc}"))
                    result.outcome = "error"
            rows_of = {id(result): row for result, row in pending}
            for result, exc in refused:
                row = rows_of[id(result)]
                result.issues.append(Issue(result.row, kind.column_for(exc.rule_id, report.columns),
                                           kind.value_for(exc.rule_id, row), str(exc), exc.rule_id))
                result.outcome = "error"
            pending.clear()
            if progress:
                progress(done, total, "write")

        # The chunks of new rows, each written when the loop reaches its last row; the kind sees the next chunk
        # (``context.upcoming``) when nothing is written between the two, to prepare it meanwhile.
        chunks: dict[int, list[tuple[RowResult, dict]]] = {}
        run: list[tuple[RowResult, dict]] = []
        last = 0
        for index, (result, row) in enumerate(parsed, start=1):
            if result.outcome == "new" and bulk is not None:
                run.append((result, row))
                last = index
                if len(run) >= BULK_CHUNK:
                    chunks[index], run = run, []
                continue
            if run:
                chunks[last], run = run, []
        if run:
            chunks[last] = run
        ends = sorted(chunks)
        following = {end: chunks[after] for end, after in zip(ends, ends[1:], strict=False)
                     if all(parsed[i - 1][0].outcome == "new" for i in range(end + 1, after + 1))}

        for index, (result, row) in enumerate(parsed, start=1):
            if result.outcome == "new" and bulk is not None:
                pending.append((result, row))
                if index in chunks:
                    context.upcoming = following.get(index)
                    flush(index)
                continue
            flush(index - 1)
            if result.outcome in ("new", "update"):
                try:
                    with transaction.atomic():
                        kind.apply(context, result, row)
                except RuleViolation as exc:
                    result.issues.append(Issue(result.row, kind.column_for(exc.rule_id, report.columns),
                                               kind.value_for(exc.rule_id, row), str(exc), exc.rule_id))
                    result.outcome = "error"
                except (IntegrityError, ValueError) as exc:
                    result.issues.append(Issue(result.row, "", "", f"Không ghi được dòng này: {exc}"))
                    result.outcome = "error"
            if progress and (index % PROGRESS_EVERY == 0 or index == total):
                progress(index, total, "write")
        flush(total)
        report.ok = not any(r.issues for r in report.rows)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            return report
        bulk_insert(ImportRow, context.provenance)
        report.committed = True
        batch.status = BatchStatus.COMMITTED
        batch.finished_at = timezone.now()
        batch.total_rows = total
        batch.processed_rows = total
        batch.counts = report.counts()
        batch.report = report.as_json()
        batch.save(update_fields=["status", "finished_at", "total_rows", "processed_rows", "counts", "report",
                                  "sheet_name"])
        audit_record(actor=user, action=AuditAction.CREATE, event_type=f"import:{batch.kind}", target=batch,
                     new={"file": batch.file_name, "sha256": batch.file_sha256, "counts": batch.counts},
                     reason=context.source)
    return report


def finish(batch: ImportBatch, report: Report, *, dry_run: bool) -> ImportBatch:
    """Store the outcome of a preview, or of a commit that wrote nothing."""
    if report.committed:
        batch.refresh_from_db()
        return batch
    batch.status = (BatchStatus.PREVIEWED if dry_run and report.ok else
                    BatchStatus.INVALID if dry_run or batch.status != BatchStatus.RUNNING else BatchStatus.FAILED)
    batch.total_rows = len(report.rows)
    batch.processed_rows = len(report.rows)
    batch.counts = report.counts()
    batch.report = report.as_json()
    batch.finished_at = None if dry_run else timezone.now()
    batch.save(update_fields=["status", "total_rows", "processed_rows", "counts", "report", "finished_at",
                              "sheet_name"])
    return batch


def today() -> date:
    return timezone.localdate()
