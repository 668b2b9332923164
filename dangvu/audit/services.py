"""The one writer of the audit trail, and the chain verifier."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dangvu.audit.middleware import current_ip
from dangvu.audit.models import AuditAction, AuditEntry

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 7_482_001


def _canonical(entry: AuditEntry) -> str:
    return json.dumps(
        [
            entry.occurred_at.isoformat(),
            entry.actor_id,
            entry.actor_username,
            entry.actor_role,
            entry.actor_scope,
            entry.source_ip,
            entry.action,
            entry.event_type,
            entry.organisation_id,
            entry.target_type,
            entry.target_id,
            entry.target_repr,
            entry.changes,
            entry.result,
            entry.reason,
            entry.previous_hash,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry).encode("utf-8")).hexdigest()


def _actor_fields(actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_username": getattr(actor, "username", "") or "", "actor_role": "", "actor_scope": ""}
    from dangvu.access.policies import describe_grants

    role, scope = describe_grants(actor)
    return {"actor": actor, "actor_username": actor.username, "actor_role": role, "actor_scope": scope}


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    target=None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    organisation=None,
    event_type: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    result: str = "ok",
    reason: str = "",
) -> AuditEntry:
    """Append one audit row. Must run inside the caller's transaction so both land or neither does."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:300]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            occurred_at=timezone.now(),
            source_ip=current_ip.get(),
            action=str(action),
            event_type=event_type,
            organisation=organisation,
            target_type=target_type,
            target_id=str(target_id),
            target_repr=target_repr[:300],
            changes=_json_safe({"old": old or {}, "new": new or {}}),
            result=result,
            reason=reason[:500],
            previous_hash=last or GENESIS,
            **_actor_fields(actor),
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
    return entry


def audit_verify_chain() -> list[str]:
    """Return the problems found (empty when every row's hash and link are intact)."""
    problems: list[str] = []
    previous = GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            problems.append(f"#{entry.pk}: liên kết với dòng trước bị đứt")
        if compute_hash(entry) != entry.entry_hash:
            problems.append(f"#{entry.pk}: nội dung đã bị sửa (hash không khớp)")
        previous = entry.entry_hash
    return problems


def _canonical_parts(entry: AuditEntry) -> tuple[list, list]:
    """The fields of ``_canonical`` before and after ``changes``."""
    return ([entry.occurred_at.isoformat(), entry.actor_id, entry.actor_username, entry.actor_role,
             entry.actor_scope, entry.source_ip, entry.action, entry.event_type, entry.organisation_id,
             entry.target_type, entry.target_id, entry.target_repr],
            [entry.result, entry.reason, entry.previous_hash])


def audit_record_many(entries, *, batch_size: int = 1000, meanwhile=None) -> list[AuditEntry]:
    """Append many audit rows at once, in the order given: the same rows ``audit_record`` would write one by
    one (same fields, same canonical form and hash), with the chain lock taken once, the hash chain computed
    here in order and the rows bulk-inserted. Each entry holds ``audit_record``'s keyword arguments.
    Must run inside the caller's transaction.

    For speed the rows are built without ``Model.__init__`` (``instance_factory``) and each ``changes`` is
    serialised once in its canonical form (sorted keys): that text is both spliced into the canonical list
    hashed for the chain (``json.dumps`` of a list is its items' texts joined by ", ", so the result is the
    text ``_canonical`` gives) and sent to the jsonb column.

    ``entries`` may be a generator (its items are built as the rows are). ``meanwhile`` (optional) is called
    once the chain lock is held and the last hash read, before the rows are built; it may start other writes on
    the connection (``dangvu.common.bulk.copy_meanwhile``) and returns the function that waits for them, called
    once the rows are built (also when building fails) and before they are written."""
    if isinstance(entries, (list, tuple)) and not entries:
        return []
    from dangvu.common.bulk import bulk_insert

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        previous = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first() or GENESIS
        wait = meanwhile() if meanwhile is not None else None
        try:
            rows, texts = _chained_rows(entries, previous)
        finally:
            if wait is not None:
                wait()
        # Ids are assigned in list order (ascending ids reserved under the chain lock, then COPY on PostgreSQL;
        # one INSERT per slice, slices in order, elsewhere): the chain follows the ids.
        bulk_insert(AuditEntry, rows, batch_size=batch_size, json_texts={"changes": texts})
    return rows


# json.dumps(..., ensure_ascii=False, sort_keys=True[, default=str]) without building an encoder per call.
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_SORTED_STR = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_SAFE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _chained_rows(entries, previous: str) -> tuple[list[AuditEntry], list[str]]:
    """The unsaved rows of ``audit_record_many``, hash-chained from ``previous``, and the JSON text of each
    one's ``changes``."""
    from dangvu.common.bulk import instance_factory

    make = instance_factory(AuditEntry)
    sha256 = hashlib.sha256
    loads = json.loads
    now = timezone.now
    ip = current_ip.get()
    actors: dict[Any, tuple[dict[str, Any], dict[str, Any]]] = {}
    rows: list[AuditEntry] = []
    texts: list[str] = []
    for item in entries:
        if not _ENTRY_KEYS.issuperset(item):
            raise TypeError(f"audit_record_many: unknown keys {sorted(item.keys() - _ENTRY_KEYS)}")
        actor = item.get("actor")
        key = getattr(actor, "pk", None) if actor is not None else None
        actor_key = (key, id(actor) if key is None else 0)
        fields = actors.get(actor_key)
        if fields is None:
            described = _actor_fields(actor)
            person = described.pop("actor")
            fields = actors[actor_key] = (
                {**described, "actor_id": getattr(person, "pk", None)}, {"actor": person} if person else {})
        values, related = fields
        target = item.get("target")
        target_type = item.get("target_type", "")
        target_id = item.get("target_id", "")
        target_repr = item.get("target_repr", "")
        if target is not None:
            target_type = target_type or target._meta.label_lower
            target_id = target_id or str(target.pk)
            target_repr = target_repr or str(target)[:300]
        organisation = item.get("organisation")
        changes = loads(_SAFE({"old": item.get("old") or {}, "new": item.get("new") or {}}))  # = _json_safe
        text = _SORTED(changes)
        entry = make({
            **values, "occurred_at": now(), "source_ip": ip, "action": str(item["action"]),
            "event_type": item.get("event_type", ""),
            "organisation_id": organisation.pk if organisation is not None else None,
            "target_type": target_type, "target_id": str(target_id), "target_repr": target_repr[:300],
            "changes": changes, "result": item.get("result", "ok"), "reason": item.get("reason", "")[:500],
            "previous_hash": previous,
        }, {**related, "organisation": organisation} if organisation is not None else related)
        before, after = _canonical_parts(entry)
        head = _SORTED_STR(before)
        tail = _SORTED_STR(after)
        canonical = f"{head[:-1]}, {text}, {tail[1:]}"
        entry.entry_hash = previous = sha256(canonical.encode("utf-8")).hexdigest()
        rows.append(entry)
        texts.append(text)
    return rows, texts


_ENTRY_KEYS = {"actor", "action", "target", "target_type", "target_id", "target_repr", "organisation", "event_type",
               "old", "new", "result", "reason"}
