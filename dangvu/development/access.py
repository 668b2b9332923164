"""Access to candidates, on the pattern of dangvu.access.policies: scope by the path of the cultivating
cell; outsiders get 404, users who may read but not write get 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from dangvu.access.policies import MEMBER_WRITERS, scope_for
from dangvu.development.models import Candidate


def candidates_for(user, *, for_write: bool) -> QuerySet[Candidate]:
    scope = scope_for(user)
    roles = MEMBER_WRITERS if for_write else None
    return Candidate.objects.filter(scope.path_q("organisation__path", roles))


def access_candidate(user, pk: int | str, *, for_write: bool) -> Candidate:
    scope = scope_for(user)
    candidate = (Candidate.objects.filter(scope.path_q("organisation__path"), pk=pk)
                 .select_related("organisation", "host_unit", "helper", "member", "former_member").first())
    if candidate is None:
        raise Http404("Không tìm thấy người trong danh sách nguồn.")
    if for_write and not (scope.roles_at(candidate.organisation.path) & MEMBER_WRITERS):
        raise PermissionDenied("Bạn chỉ có quyền xem hồ sơ này.")
    return candidate


def may_write_candidates(user) -> bool:
    return bool(scope_for(user).roles & MEMBER_WRITERS)
