from __future__ import annotations

from django.db import transaction

from dangvu.accounts.models import User
from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """After a successful password change: clear the first-login flag and record it."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit_record(actor=user, action=AuditAction.UPDATE, event_type="password_change", target=user,
                 target_repr=user.username)


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """Lift a login lockout (SEC-11) before its 12 hours run out; the unlock is audited."""
    from axes.utils import reset

    cleared = reset(username=user.username)
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="account_unlock", target=user,
                 target_repr=user.username, new={"attempts_cleared": cleared})
    return cleared


@transaction.atomic
def user_disable(*, actor, user: User, reason: str) -> None:
    """Disable an account: its sessions stop working at the next request (SEC-12)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="account_disabled", target=user,
                 target_repr=user.username, new={"is_active": False}, reason=reason)
