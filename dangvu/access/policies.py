"""The one access layer. Every view, export, command and report asks here what a user may see or do.

Scope is a set of materialized-path prefixes (one per grant): the organisations a user may see are
those whose path starts with one of them. Outsiders get 404 so that existence is not revealed;
users who may see but not change get 403. ``for_write`` has no default: each caller decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from dangvu.access.models import Grant, Role
from dangvu.members.models import Member
from dangvu.organisations.models import Organisation

# Who may record member events and edit profiles.
MEMBER_WRITERS = {Role.ADMIN, Role.ORG_STAFF, Role.BASE_CLERK}
# Who may change the organisation tree (found, rename, move, merge, split, dissolve) and its bodies.
STRUCTURE_WRITERS = {Role.ADMIN, Role.ORG_STAFF}
# Who sees citizen ID, family background and other sensitive profile fields.
SENSITIVE_READERS = {Role.ADMIN, Role.ORG_STAFF, Role.BASE_CLERK}
# Who reads the audit trail.
AUDIT_READERS = {Role.ADMIN}


@dataclass
class Scope:
    grants: list[tuple[str, str]] = field(default_factory=list)  # (path prefix, role)
    superuser: bool = False

    def roles_at(self, path: str) -> set[str]:
        if self.superuser:
            return {Role.ADMIN}
        return {role for prefix, role in self.grants if path.startswith(prefix)}

    @property
    def roles(self) -> set[str]:
        return {Role.ADMIN} if self.superuser else {role for _, role in self.grants}

    def prefixes(self, roles: set[str] | None = None) -> list[str]:
        if self.superuser:
            return [""]
        chosen = {prefix for prefix, role in self.grants if roles is None or role in roles}
        # Drop prefixes covered by a shorter one: fewer OR terms in every scoped query.
        return sorted(p for p in chosen if not any(p != q and p.startswith(q) for q in chosen))

    def path_q(self, field_name: str, roles: set[str] | None = None) -> Q:
        prefixes = self.prefixes(roles)
        if not prefixes:
            return Q(pk__in=[])
        query = Q()
        for prefix in prefixes:
            query |= Q(**{f"{field_name}__startswith": prefix})
        return query


def scope_for(user) -> Scope:
    """The user's grants as path prefixes, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_dangvu_scope", None)
    if cached is not None:
        return cached
    scope = Scope(superuser=user.is_superuser)
    if not user.is_superuser:
        scope.grants = [
            (path, role)
            for path, role in Grant.objects.filter(user=user, organisation__ended_on__isnull=True)
            .values_list("organisation__path", "role")
        ]
        if any(role == Role.ADMIN for _, role in scope.grants):
            scope.superuser = True
    user._dangvu_scope = scope
    return scope


def describe_grants(user) -> tuple[str, str]:
    """(roles, scope) as short text for the audit trail."""
    if user.is_superuser:
        return Role.ADMIN.value, "*"
    grants = list(Grant.objects.filter(user=user).values_list("role", "organisation__code"))
    return ", ".join(sorted({r for r, _ in grants})), ", ".join(sorted({c for _, c in grants}))


def has_role(user, roles: set[str]) -> bool:
    return bool(scope_for(user).roles & roles)


def is_admin(user) -> bool:
    return Role.ADMIN in scope_for(user).roles


# Organisations ---------------------------------------------------------------------------------

def organisations_for(user, *, for_write: bool) -> QuerySet[Organisation]:
    scope = scope_for(user)
    roles = STRUCTURE_WRITERS if for_write else None
    return Organisation.objects.filter(scope.path_q("path", roles))


def access_organisation(user, pk: int | str, *, for_write: bool) -> Organisation:
    scope = scope_for(user)
    organisation = Organisation.objects.filter(scope.path_q("path"), pk=pk).select_related("parent", "host_unit").first()
    if organisation is None:
        raise Http404("Không tìm thấy tổ chức đảng.")
    if for_write and not (scope.roles_at(organisation.path) & STRUCTURE_WRITERS):
        raise PermissionDenied("Bạn chỉ có quyền xem tổ chức này.")
    return organisation


def organisations_for_member_writes(user) -> QuerySet[Organisation]:
    """Organisations in which the user may record member events (admissions, transfers …)."""
    return Organisation.objects.filter(scope_for(user).path_q("path", MEMBER_WRITERS))


def transfer_destinations(user) -> QuerySet[Organisation]:
    """Where a member writer may send a member: any open member-holding organisation of the tenant.

    The sending side issues the transfer (TRF-05), so the destination may lie outside the sender's
    own subtree; only names and codes of organisations are shown, never their members.
    """
    from dangvu.organisations.models import MEMBER_HOLDING_TYPES

    if not scope_for(user).roles & MEMBER_WRITERS:
        return Organisation.objects.none()
    return Organisation.objects.filter(ended_on__isnull=True, org_type__in=MEMBER_HOLDING_TYPES)


def may_write_members_in(user, organisation: Organisation) -> bool:
    return bool(scope_for(user).roles_at(organisation.path) & MEMBER_WRITERS)


def may_change_structure(user, organisation: Organisation) -> bool:
    return bool(scope_for(user).roles_at(organisation.path) & STRUCTURE_WRITERS)


# Members ---------------------------------------------------------------------------------------

def members_for(user, *, for_write: bool) -> QuerySet[Member]:
    scope = scope_for(user)
    roles = MEMBER_WRITERS if for_write else None
    return Member.objects.filter(scope.path_q("org_path", roles))


def access_member(user, pk: int | str, *, for_write: bool) -> Member:
    scope = scope_for(user)
    member = Member.objects.filter(scope.path_q("org_path"), pk=pk).select_related("organisation").first()
    if member is None:
        raise Http404("Không tìm thấy đảng viên.")
    if for_write and not (scope.roles_at(member.org_path) & MEMBER_WRITERS):
        raise PermissionDenied("Bạn chỉ có quyền xem hồ sơ này.")
    return member


def may_see_sensitive(user, member: Member | None = None) -> bool:
    """Citizen ID, family background: only roles that need them, within their own subtree."""
    scope = scope_for(user)
    if member is None:
        return bool(scope.roles & SENSITIVE_READERS)
    return bool(scope.roles_at(member.org_path) & SENSITIVE_READERS)


# Audit -----------------------------------------------------------------------------------------

def require_audit_reader(user) -> None:
    if not has_role(user, AUDIT_READERS):
        raise Http404("Không tìm thấy trang.")


def require_any_grant(user) -> None:
    if not scope_for(user).roles:
        raise PermissionDenied("Tài khoản chưa được phân quyền trên tổ chức nào.")
