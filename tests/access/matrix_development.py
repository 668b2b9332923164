"""Member-development pages: every URL pattern of ``dangvu.development.urls`` for all six roles, with a
candidate in the base clerk's own subtree (C1) and one in the sibling B2 (the outsider's). Candidates
are created lazily through the service and cached on the world. POSTs send empty data: writers get the
form back (200), read-only roles 403, out of scope 404."""

from __future__ import annotations

from datetime import date

from tests.access.spec import Case, everyone, roles

OWN_WRITE = roles(200, inspection_staff=403, leader=403, outsider=404)
SIBLING_WRITE = roles(200, inspection_staff=403, leader=403, base_clerk=404)
CREATE = roles(200, inspection_staff=403, leader=403)
OWN_READ = roles(200, outsider=404)
SIBLING_READ = roles(200, base_clerk=404)


def _candidate(world, organisation):
    """One candidate per organisation, created through the service, with a decision recorded (so that
    the document URL has something to print)."""
    cache = getattr(world, "_candidates", None)
    if cache is None:
        cache = {}
        world._candidates = cache
    if organisation.pk not in cache:
        from dangvu.development.services import candidate_create, candidate_record_step
        from dangvu.organisations.services import Decision

        actor = world.cast.admin
        candidate = candidate_create(actor=actor, organisation=organisation, data={
            "full_name": f"Quần Chúng {organisation.code}", "gender": "male", "date_of_birth": date(1995, 3, 3),
            "listed_on": date(2024, 1, 2)})
        candidate_record_step(actor=actor, candidate=candidate, kind="course", day=date(2024, 2, 1),
                              document=Decision("CN-1", date(2024, 2, 1), "Trung tâm Chính trị"))
        cache[organisation.pk] = candidate
    return cache[organisation.pk]


def own(world):
    return {"pk": _candidate(world, world.tree.c1).pk}


def sibling(world):
    return {"pk": _candidate(world, world.tree.b2).pk}


def _step(kwargs, slug):
    return lambda world: {**kwargs(world), "step": slug}


def _document(kwargs):
    return lambda world: {**kwargs(world), "kind": "ket-nap"}


CASES = [
    Case("development:candidates", everyone(200)),
    Case("development:candidates", OWN_READ, data=lambda w: {"to_chuc": w.tree.b1.pk}, label="to_chuc=B1"),
    Case("development:candidates", SIBLING_READ, data=lambda w: {"to_chuc": w.tree.b2.pk}, label="to_chuc=B2"),
    Case("development:candidate_create", CREATE),
    Case("development:candidate_create", CREATE, method="post", label="empty"),
    Case("development:candidate_detail", OWN_READ, kwargs=own, label="own"),
    Case("development:candidate_detail", SIBLING_READ, kwargs=sibling, label="sibling"),
    Case("development:step", OWN_WRITE, kwargs=_step(own, "don-xin-vao-dang"), label="own"),
    Case("development:step", SIBLING_WRITE, kwargs=_step(sibling, "don-xin-vao-dang"), label="sibling"),
    Case("development:step", OWN_WRITE, kwargs=_step(own, "don-xin-vao-dang"), method="post", label="own empty"),
    Case("development:step", SIBLING_WRITE, kwargs=_step(sibling, "don-xin-vao-dang"), method="post",
         label="sibling empty"),
    Case("development:step", roles(404, outsider=404), kwargs=_step(own, "khong-co"), label="unknown step"),
    # A document not yet issued is not found; the access check comes first (outsiders 404 either way).
    Case("development:document", roles(404), kwargs=_document(own), label="own, no decision yet"),
    Case("development:document", roles(404), kwargs=_document(sibling), label="sibling, no decision yet"),
    Case("development:deadlines", everyone(200)),
    Case("development:targets", everyone(200)),
    Case("development:targets", OWN_READ, data=lambda w: {"to_chuc": w.tree.b1.pk}, label="to_chuc=B1"),
    Case("development:targets", SIBLING_READ, data=lambda w: {"to_chuc": w.tree.b2.pk}, label="to_chuc=B2"),
    # Targets are set by organisation staff (structure writers): base clerks 403.
    Case("development:target_create", roles(200, inspection_staff=403, leader=403, base_clerk=403, outsider=403),
         method="post", label="empty"),
    Case("development:target_create", roles(302, inspection_staff=403, leader=403, base_clerk=403, outsider=403),
         method="post", data=lambda w: {"to_chuc": w.tree.b1.pk, "nam": 2026, "chi_tieu": 5}, label="B1"),
]
