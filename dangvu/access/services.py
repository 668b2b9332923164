"""Granting and revoking roles: audited like every other write."""

from __future__ import annotations

from django.db import transaction

from dangvu.access.models import Grant
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record


def _describe(grant: Grant) -> dict:
    return {"user": grant.user.username, "role": grant.role, "organisation": grant.organisation.code}


@transaction.atomic
def grant_create(*, actor, user, organisation, role: str) -> Grant:
    grant, _ = Grant.objects.get_or_create(user=user, organisation=organisation, role=role)
    audit_record(actor=actor, action=AuditAction.GRANT, event_type="grant", target=grant,
                 organisation=organisation, new=_describe(grant))
    return grant


@transaction.atomic
def grant_revoke(*, actor, grant: Grant) -> None:
    old = _describe(grant)
    organisation = grant.organisation
    target_id = grant.pk
    grant.delete()
    audit_record(actor=actor, action=AuditAction.GRANT, event_type="revoke", target_type="access.grant",
                 target_id=str(target_id), target_repr=f"{old['user']} – {old['role']}", organisation=organisation,
                 old=old)
