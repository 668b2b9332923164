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
