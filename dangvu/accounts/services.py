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


@transaction.atomic
def user_password_reset(*, actor, user: User, password: str | None) -> User:
    """An administrator sets (or, with ``None``, disables) another user's password (SEC-10).

    The user must choose a new password at the next login: ``must_change_password`` is set and the
    middleware sends every page to the password-change form until it is done. The new password hash
    also ends the user's open sessions (Django checks the session's password hash). Audited; the
    password itself never reaches the audit row.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="password_reset", target=user,
                 target_repr=user.username,
                 new={"must_change_password": True, "password_usable": password is not None})
    return user
