"""Reads for the import exports, always starting from the access layer."""

from __future__ import annotations

from dangvu.access.policies import members_for


def ledger_events_for(user, *, organisation=None):
    """Recorded (non-void) ledger events of the members the user may see, oldest first per member."""
    members = members_for(user, for_write=False)
    if organisation is not None:
        members = members.filter(org_path__startswith=organisation.path)
    from dangvu.members.models import LedgerEvent

    return (LedgerEvent._default_manager.filter(member__in=members, voided_at__isnull=True)
            .select_related("member", "organisation").order_by("member__full_name", "member_id", "effective_date",
                                                                "id"))
