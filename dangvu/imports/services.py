"""Import batches: upload, preview, commit (inline or in a background process), rollback.

Rollback never erases: ledger events the batch wrote are voided with a reason (``member_void_event``),
profile fields it changed are set back (``member_update_profile``), dated values it recorded are voided
(``member_void_value``), so the previous value applies again. Members the batch created stay as records
whose only events and values are void, so their status is "not a member". Organisations the batch founded
get their founding voided (``organisation_void_founding``, ORG-18) when nothing depends on them; host units
it created stay. Candidates, decisions and activities: see each kind's ``rollback_blockers``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from dangvu.access.policies import MEMBER_WRITERS, STRUCTURE_WRITERS, has_role
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record
from dangvu.common.text import clean
from dangvu.imports import engine
from dangvu.imports.models import RECORDS, BatchStatus, ImportBatch, ImportKind, ImportRow
from dangvu.members.models import LedgerEvent, Member, MemberValue, ValueAttribute
from dangvu.members.services import member_update_profile, member_void_event, member_void_value
from dangvu.organisations.models import Organisation
from dangvu.organisations.services import organisation_founding_blockers, organisation_void_founding
from dangvu.oversight.access import OVERSIGHT_WRITERS
from dangvu.rules.engine import RuleViolation

# Files with more data rows than this are committed in a background process.
BACKGROUND_ROWS = 500
WRITERS = {ImportKind.MEMBERS: MEMBER_WRITERS, ImportKind.ORGANISATIONS: STRUCTURE_WRITERS,
           ImportKind.EVENTS: MEMBER_WRITERS, ImportKind.CANDIDATES: MEMBER_WRITERS,
           ImportKind.DECISIONS: OVERSIGHT_WRITERS, ImportKind.ACTIVITIES: OVERSIGHT_WRITERS}
# Kinds whose rollback is the member path: void the ledger events, restore profile fields and dated values.
LEDGER_KINDS = {ImportKind.MEMBERS, ImportKind.EVENTS}


class ImportRefused(Exception):
    """A batch operation that cannot be done; ``str()`` is the Vietnamese message."""


def may_import(user, kind: str | None = None) -> bool:
    if kind is None:  # any kind: the upload form and each batch check the kind itself
        return has_role(user, MEMBER_WRITERS | OVERSIGHT_WRITERS)
    return has_role(user, WRITERS[ImportKind(kind)])


def batch_create(*, user, kind: str, file_name: str, content: bytes) -> ImportBatch:
    return ImportBatch.objects.create(kind=kind, file_name=clean(os.path.basename(file_name))[:255] or "tệp",
                                      content=content, file_sha256=hashlib.sha256(content).hexdigest(),
                                      created_by=user)


def batch_preview(batch: ImportBatch, *, user, progress=None) -> engine.Report:
    report = engine.run_batch(batch, user=user, dry_run=True, progress=progress)
    engine.finish(batch, report, dry_run=True)
    return report


def batch_commit(batch: ImportBatch, *, user, progress=None) -> engine.Report:
    """Write the batch (in this process). Status RUNNING is stored first, outside the transaction."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=[BatchStatus.PREVIEWED, BatchStatus.QUEUED,
                                                                  BatchStatus.UPLOADED, BatchStatus.INVALID,
                                                                  BatchStatus.FAILED])
    if not claimed.update(status=BatchStatus.RUNNING, worker_pid=os.getpid(), started_at=timezone.now()):
        raise ImportRefused("Lô này đã được ghi hoặc đang được ghi.")
    batch.refresh_from_db()

    def tick(done, total, phase):
        engine.write_progress(batch.pk, done, total, phase)
        if progress:
            progress(done, total, phase)

    tick(0, batch.total_rows, "start")
    try:
        report = engine.run_batch(batch, user=user, dry_run=False, progress=tick)
    except BaseException:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, finished_at=timezone.now())
        raise
    engine.finish(batch, report, dry_run=False)
    tick(len(report.rows), len(report.rows), "done")
    return report


def batch_start(batch: ImportBatch, *, user) -> str:
    """Commit now (small files) or in a separate process that outlives the request (large files).

    Returns "inline" or "background"."""
    mode = getattr(settings, "DANGVU_IMPORT_RUNNER", "auto")
    if mode == "inline" or (mode == "auto" and batch.total_rows <= BACKGROUND_ROWS):
        batch_commit(batch, user=user)
        return "inline"
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    engine.write_progress(batch.pk, 0, batch.total_rows, "queued")
    _launch(batch, user)
    return "background"


def _launch(batch: ImportBatch, user, *extra: str) -> None:
    """Start ``dangvu import <kind> --batch N`` (with ``extra`` arguments) in a process that outlives the request."""
    manage = settings.PROJECT_DIR / "manage.py" if hasattr(settings, "PROJECT_DIR") else None
    command = ([sys.executable, str(manage)] if manage and manage.exists() else [sys.executable, "-m", "dangvu.cli"])
    command += ["import", batch.kind, "--batch", str(batch.pk), *extra, "--user", user.get_username(), "--quiet"]
    log = open(engine.progress_path(batch.pk).with_suffix(".log"), "ab")  # noqa: SIM115 - handed to the child
    subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True,
                     env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                                   "dangvu.settings")})
    log.close()


def batch_state(batch: ImportBatch) -> dict:
    """What the progress bar shows: done/total and whether a running worker is still alive."""
    progress = engine.read_progress(batch.pk) or {}
    # A rollback counts records, not rows: nothing to show until its process has counted them.
    total = progress.get("total") or (0 if batch.status == BatchStatus.ROLLING_BACK else batch.total_rows or 0)
    done = progress.get("done", 0)
    if batch.status in (BatchStatus.COMMITTED, BatchStatus.FAILED, BatchStatus.ROLLED_BACK):
        done = total = batch.total_rows
    alive = True
    if batch.status in (BatchStatus.RUNNING, BatchStatus.ROLLING_BACK) and batch.worker_pid:
        try:
            os.kill(batch.worker_pid, 0)
        except ProcessLookupError:
            alive = False
        except PermissionError:
            alive = True
    percent = int(done * 100 / total) if total else (100 if batch.status == BatchStatus.COMMITTED else 0)
    return {"done": done, "total": total, "percent": min(percent, 100), "phase": progress.get("phase", ""),
            "error": progress.get("error", "") if batch.status == BatchStatus.COMMITTED else "", "alive": alive,
            "finished": batch.status in (BatchStatus.COMMITTED, BatchStatus.FAILED, BatchStatus.ROLLED_BACK)
            or not alive}


# Rollback -------------------------------------------------------------------------------------------

def _provenance(batch: ImportBatch, model) -> list[ImportRow]:
    return list(batch.rows.filter(content_type=ContentType.objects.get_for_model(model)).order_by("-id"))


def written_ids(batch: ImportBatch, model) -> list[int]:
    """The ids of the ``model`` records the batch wrote, newest first: those with a provenance row of their own
    and those listed (``RECORDS``) on the row of a new member of the members' bulk path."""
    ids = {row.object_id for row in _provenance(batch, model)}
    name = model._meta.model_name
    listed = batch.rows.filter(content_type=ContentType.objects.get_for_model(Member),
                               action=ImportRow.Action.CREATED).values_list("before", flat=True)
    for before in listed.iterator(chunk_size=2000):
        ids.update((before or {}).get(RECORDS, {}).get(name, ()))
    return sorted(ids, reverse=True)


def rollback_blockers(batch: ImportBatch) -> list[str]:
    """What recorded later depends on the batch (empty: it may be rolled back)."""
    if batch.status not in (BatchStatus.COMMITTED, BatchStatus.ROLLING_BACK):
        return [f"Lô đang ở trạng thái “{batch.get_status_display()}”: chỉ hoàn tác được lô đã ghi."]
    if batch.kind == ImportKind.ORGANISATIONS:
        return _organisation_blockers(batch)
    if batch.kind not in LEDGER_KINDS:
        return _kind_blockers(batch)
    blockers = []
    member_ids = {r.object_id for r in _provenance(batch, Member)}
    event_ids = set(written_ids(batch, LedgerEvent))
    value_ids = set(written_ids(batch, MemberValue))
    member_ids |= set(LedgerEvent.objects.filter(pk__in=event_ids).values_list("member_id", flat=True))
    member_ids |= set(MemberValue.objects.filter(pk__in=value_ids).values_list("member_id", flat=True))
    names = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "full_name"))
    later_events = (LedgerEvent.objects.filter(member_id__in=member_ids, voided_at__isnull=True,
                                               recorded_at__gt=batch.finished_at).exclude(pk__in=event_ids)
                    .values_list("member_id", "kind", "effective_date"))
    for member_id, kind, day in later_events:
        blockers.append(f"{names.get(member_id)}: sự kiện “{dict(LedgerEvent._meta.get_field('kind').choices)[kind]}"
                        f"” ngày {day:%d/%m/%Y} được ghi sau lô này.")
    later_values = (MemberValue.objects.filter(member_id__in=member_ids, voided_at__isnull=True,
                                               recorded_at__gt=batch.finished_at).exclude(pk__in=value_ids)
                    .values_list("member_id", "attribute"))
    for member_id, attribute in later_values:
        blockers.append(f"{names.get(member_id)}: “{ValueAttribute(attribute).label}” được cập nhật sau lô này.")
    for row in _provenance(batch, Member):
        if row.action != ImportRow.Action.UPDATED:
            continue
        member = Member.objects.get(pk=row.object_id)
        for name, value in row.before.get("after", {}).items():
            current = getattr(member, name)
            if (current.isoformat() if hasattr(current, "isoformat") else current) != value:
                blockers.append(f"{member.full_name}: “{Member._meta.get_field(name).verbose_name}” đã được sửa sau "
                                "lô này.")
    later_batches = ImportRow.objects.filter(batch__status=BatchStatus.COMMITTED, batch__id__gt=batch.pk,
                                             content_type=ContentType.objects.get_for_model(Member),
                                             object_id__in=member_ids).values_list("batch_id", flat=True).distinct()
    for later in later_batches:
        blockers.append(f"Lô {later} ghi sau lô này cũng thay đổi các đảng viên của lô.")
    return sorted(set(blockers))


def _organisation_blockers(batch: ImportBatch) -> list[str]:
    ids = [row.object_id for row in _provenance(batch, Organisation)]
    batch_orgs = frozenset(ids)
    blockers = []
    for org in Organisation.objects.filter(pk__in=ids).order_by("path"):
        for reason in organisation_founding_blockers(org, voided_with=batch_orgs):
            blockers.append(f"{org.code} ({org.name}): {reason}")
    return blockers


def _kind_blockers(batch: ImportBatch) -> list[str]:
    """Blockers for the other kinds (ledger events, candidates …): the kind decides."""
    from dangvu.imports.kinds import KINDS

    return KINDS[batch.kind]().rollback_blockers(batch)


def _rollback_kind(batch: ImportBatch, *, user, reason: str) -> None:
    from dangvu.imports.kinds import KINDS

    if batch.kind not in LEDGER_KINDS | {ImportKind.ORGANISATIONS}:
        KINDS[batch.kind]().rollback(batch, user=user, reason=reason)


def _check_reason(reason: str) -> str:
    reason = clean(reason)
    if len(reason) < 5:
        raise ImportRefused("Cần ghi lý do hoàn tác (ít nhất 5 ký tự).")
    return reason


def batch_start_rollback(batch: ImportBatch, *, user, reason: str) -> str:
    """Roll the batch back now (small batches) or in a separate process that outlives the request (large ones:
    every record goes through the services, which takes minutes for tens of thousands of rows), with its progress
    on the batch's page. A rollback whose process died part-way changed nothing (one transaction) and may be
    started again. Returns "inline" or "background"."""
    reason = _check_reason(reason)
    mode = getattr(settings, "DANGVU_IMPORT_RUNNER", "auto")
    if mode == "inline" or (mode == "auto" and batch.total_rows <= BACKGROUND_ROWS):
        batch_rollback(batch, user=user, reason=reason)
        return "inline"
    if batch.status == BatchStatus.ROLLING_BACK and not batch_state(batch)["alive"]:
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).update(status=BatchStatus.COMMITTED)
        batch.refresh_from_db()
    blockers = rollback_blockers(batch)
    if blockers:
        raise ImportRefused("Không hoàn tác được lô này: " + " ".join(blockers))
    if not ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.COMMITTED).update(
            status=BatchStatus.ROLLING_BACK, worker_pid=None, rollback_reason=reason[:500]):
        raise ImportRefused("Lô này đang được hoàn tác.")
    engine.write_progress(batch.pk, 0, 0, "rollback")
    _launch(batch, user, "--rollback")
    return "background"


def batch_rollback_queued(batch: ImportBatch, *, user, progress=None) -> ImportBatch:
    """The background process of ``batch_start_rollback``: roll back with the reason stored when it was queued. If
    it is refused (something recorded meanwhile depends on the batch) or fails, nothing changed: the batch is
    committed again and the page shows why."""
    if not ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).update(worker_pid=os.getpid()):
        raise ImportRefused("Lô này không chờ hoàn tác.")
    batch.refresh_from_db()
    try:
        return batch_rollback(batch, user=user, reason=batch.rollback_reason, progress=progress)
    except BaseException as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.ROLLING_BACK).update(
            status=BatchStatus.COMMITTED, worker_pid=None, rollback_reason="")
        why = str(exc) if isinstance(exc, ImportRefused) else f"Hoàn tác không thành công, không có gì thay đổi: {exc}"
        engine.write_progress(batch.pk, 0, 0, "rollback_failed", error=why)
        raise


ROLLBACK_PROGRESS_EVERY = 200


@transaction.atomic
def batch_rollback(batch: ImportBatch, *, user, reason: str, progress=None) -> ImportBatch:
    """Void what the batch wrote, through the services, in one transaction. ``progress(done, total, "rollback")``
    is told every few records (the ledger events and dated values voided)."""
    reason = _check_reason(reason)
    ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
    batch.refresh_from_db()
    blockers = rollback_blockers(batch)
    if blockers:
        raise ImportRefused("Không hoàn tác được lô này: " + " ".join(blockers))
    why = f"Hoàn tác lô nhập {batch.pk} ({batch.file_name}): {reason}"
    event_ids, value_ids = written_ids(batch, LedgerEvent), written_ids(batch, MemberValue)
    total, done = len(event_ids) + len(value_ids), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % ROLLBACK_PROGRESS_EVERY == 0 or done == total):
            progress(done, total, "rollback")

    try:
        for row in _provenance(batch, Organisation):  # newest first: children before their parent
            organisation_void_founding(actor=user, organisation=Organisation.objects.get(pk=row.object_id),
                                       reason=why)
        _rollback_kind(batch, user=user, reason=why)
        for event_id in event_ids:  # newest first: a recognition before its admission
            event = LedgerEvent.objects.select_related("member").get(pk=event_id)
            if event.voided_at is None:
                member_void_event(actor=user, event=event, reason=why)
            tick()
        for value_id in value_ids:  # the previous value (if any) applies again
            item = MemberValue.objects.select_related("member").get(pk=value_id)
            if item.voided_at is None:
                member_void_value(actor=user, item=item, reason=why)
            tick()
        for row in _provenance(batch, Member):
            if row.action == ImportRow.Action.UPDATED:
                from datetime import date

                member = Member.objects.get(pk=row.object_id)
                before = {k: (date.fromisoformat(v) if k == "date_of_birth" and v else v)
                          for k, v in row.before.get("before", {}).items()}
                member_update_profile(actor=user, member=member, changes=before, correction_basis=why)
    except RuleViolation as exc:
        raise ImportRefused(f"Không hoàn tác được lô này: {exc}") from exc
    batch.status = BatchStatus.ROLLED_BACK
    batch.rolled_back_at = timezone.now()
    batch.rolled_back_by = user
    batch.rollback_reason = reason[:500]
    batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by", "rollback_reason"])
    audit_record(actor=user, action=AuditAction.VOID, event_type=f"import_rollback:{batch.kind}", target=batch,
                 new={"file": batch.file_name, "counts": batch.counts}, reason=why)
    return batch


def batches_for(user):
    """The batches a user may see: their own; every batch for a system administrator."""
    from dangvu.access.policies import is_admin

    batches = ImportBatch.objects.defer("content").select_related("created_by")
    return batches if is_admin(user) else batches.filter(created_by=user)


def access_batch(user, pk) -> ImportBatch:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    if not may_import(user):
        raise PermissionDenied("Bạn không có quyền nhập dữ liệu.")
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404("Không tìm thấy lô nhập dữ liệu.")
    return batch
