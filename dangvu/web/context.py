from dangvu.access.policies import AUDIT_READERS, MEMBER_WRITERS, scope_for
from dangvu.oversight.access import OVERSIGHT_READERS


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = scope_for(user).roles
    return {
        "nav_can_write_members": bool(roles & MEMBER_WRITERS),
        "nav_can_read_audit": bool(roles & AUDIT_READERS),
        "nav_can_read_oversight": bool(roles & OVERSIGHT_READERS),
        "nav_roles": sorted(roles),
    }
