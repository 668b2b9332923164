"""Who sees and changes inspection, supervision and discipline records.

Confidential by design: only inspection staff, leaders and administrators see these records, within
their subtree; everybody else gets 404 on every page, so that nobody can tell that a case exists.
Inspection staff and administrators write; leaders read (403 on writes). Built on
``dangvu.access.policies.scope_for``, the one source of grants.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from dangvu.access.models import Role
from dangvu.access.policies import Scope, scope_for
from dangvu.members.models import Member
from dangvu.organisations.models import Organisation
from dangvu.oversight.models import (
    Activity,
    ActivitySubject,
    Appeal,
    DisciplineCase,
    Programme,
    ProgrammeItem,
    Suspension,
)

OVERSIGHT_READERS = {Role.ADMIN, Role.INSPECTION_STAFF, Role.LEADER}
OVERSIGHT_WRITERS = {Role.ADMIN, Role.INSPECTION_STAFF}
NOT_FOUND = "Không tìm thấy trang."


def oversight_scope(user) -> Scope:
    """The user's scope, or 404 when the user holds no oversight role anywhere."""
    scope = scope_for(user)
    if not scope.roles & OVERSIGHT_READERS:
        raise Http404(NOT_FOUND)
    return scope


def may_write(user, path: str | None = None) -> bool:
    scope = scope_for(user)
    roles = scope.roles if path is None else scope.roles_at(path)
    return bool(roles & OVERSIGHT_WRITERS)


def require_writer(user, path: str | None = None) -> None:
    if not may_write(user, path):
        raise PermissionDenied("Bạn chỉ có quyền xem hồ sơ kiểm tra, giám sát, kỷ luật.")


def _q(scope: Scope, *fields: str) -> Q:
    query = Q(pk__in=[])
    for name in fields:
        query |= scope.path_q(name, OVERSIGHT_READERS)
    return query


def activities_for(user) -> QuerySet[Activity]:
    scope = oversight_scope(user)
    return Activity.objects.filter(_q(scope, "organisation__path")).select_related("organisation")


def cases_for(user) -> QuerySet[DisciplineCase]:
    scope = oversight_scope(user)
    return (DisciplineCase.objects.filter(_q(scope, "subject_organisation__path", "deciding_organisation__path"))
            .select_related("member", "organisation", "subject_organisation", "deciding_organisation"))


def programmes_for(user) -> QuerySet[Programme]:
    scope = oversight_scope(user)
    return Programme.objects.filter(_q(scope, "organisation__path")).select_related("organisation")


def suspensions_for(user) -> QuerySet[Suspension]:
    scope = oversight_scope(user)
    return (Suspension.objects.filter(_q(scope, "subject_organisation__path", "deciding_organisation__path"))
            .select_related("member", "organisation", "subject_organisation"))


def programme_items_for(user) -> QuerySet[ProgrammeItem]:
    return (ProgrammeItem.objects.filter(programme__in=programmes_for(user))
            .select_related("programme", "programme__organisation").order_by("-programme__year", "planned_from"))


def appeals_for(user) -> QuerySet[Appeal]:
    return Appeal.objects.filter(case__in=cases_for(user)).select_related("case")


def access_activity(user, pk, *, for_write: bool) -> Activity:
    activity = activities_for(user).filter(pk=pk).first()
    if activity is None:
        raise Http404("Không tìm thấy cuộc kiểm tra, giám sát.")
    if for_write:
        require_writer(user, activity.organisation.path)
    return activity


def access_subject(user, activity: Activity, pk) -> ActivitySubject:
    subject = ActivitySubject.objects.filter(activity=activity, pk=pk).select_related("member", "organisation").first()
    if subject is None:
        raise Http404("Không tìm thấy đối tượng.")
    return subject


def access_case(user, pk, *, for_write: bool) -> DisciplineCase:
    case = cases_for(user).filter(pk=pk).first()
    if case is None:
        raise Http404("Không tìm thấy vụ việc.")
    if for_write:
        paths = [case.subject_organisation.path]
        if case.deciding_organisation:
            paths.append(case.deciding_organisation.path)
        if not any(may_write(user, path) for path in paths):
            raise PermissionDenied("Bạn chỉ có quyền xem hồ sơ kiểm tra, giám sát, kỷ luật.")
    return case


def access_appeal(user, pk, *, for_write: bool) -> Appeal:
    appeal = appeals_for(user).filter(pk=pk).first()
    if appeal is None:
        raise Http404("Không tìm thấy khiếu nại.")
    access_case(user, appeal.case_id, for_write=for_write)
    return appeal


def access_programme(user, pk, *, for_write: bool) -> Programme:
    programme = programmes_for(user).filter(pk=pk).first()
    if programme is None:
        raise Http404("Không tìm thấy chương trình.")
    if for_write:
        require_writer(user, programme.organisation.path)
    return programme


def access_suspension(user, pk, *, for_write: bool) -> Suspension:
    suspension = suspensions_for(user).filter(pk=pk).first()
    if suspension is None:
        raise Http404("Không tìm thấy quyết định đình chỉ.")
    if for_write:
        require_writer(user, suspension.subject_organisation.path)
    return suspension


def organisations_in_scope(user, *, for_write: bool) -> QuerySet[Organisation]:
    scope = oversight_scope(user)
    roles = OVERSIGHT_WRITERS if for_write else OVERSIGHT_READERS
    return Organisation.objects.filter(scope.path_q("path", roles)).order_by("path")


def members_in_scope(user, *, for_write: bool) -> QuerySet[Member]:
    scope = oversight_scope(user)
    roles = OVERSIGHT_WRITERS if for_write else OVERSIGHT_READERS
    return Member.objects.filter(scope.path_q("org_path", roles)).exclude(org_path="").order_by("sort_key", "id")


def access_root(user, pk) -> Organisation:
    organisation = organisations_in_scope(user, for_write=False).filter(pk=pk).first()
    if organisation is None:
        raise Http404("Không tìm thấy tổ chức đảng.")
    return organisation
