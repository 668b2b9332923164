"""Member pages: every URL pattern of ``dangvu.members.urls``, for an object in the base clerk's own
subtree (C1 under B1) and one in the sibling B2 (the outsider's). POST cases send empty data: roles
that may write get the form back with errors (200), read-only roles 403, out of scope 404."""

from tests.access.spec import Case, everyone, roles

# Writes on a member in C1 (base clerk's subtree): read-only roles 403, the outsider 404.
OWN_WRITE = roles(200, inspection_staff=403, leader=403, outsider=404)
# Writes on a member in B2 (outsider's): the base clerk 404.
SIBLING_WRITE = roles(200, inspection_staff=403, leader=403, base_clerk=404)
# Creating members: any member-writer role somewhere.
CREATE = roles(200, inspection_staff=403, leader=403)


def own(world):
    return {"pk": world.member_own.pk}


def sibling(world):
    return {"pk": world.member_sibling.pk}


def _object_cases(url_name, kwargs_own, kwargs_sibling, *, post=True, tag=""):
    prefix = f"{tag} " if tag else ""
    cases = [
        Case(url_name, OWN_WRITE, kwargs=kwargs_own, label=f"{prefix}own"),
        Case(url_name, SIBLING_WRITE, kwargs=kwargs_sibling, label=f"{prefix}sibling"),
    ]
    if post:
        cases += [
            Case(url_name, OWN_WRITE, kwargs=kwargs_own, method="post", label=f"{prefix}own empty"),
            Case(url_name, SIBLING_WRITE, kwargs=kwargs_sibling, method="post", label=f"{prefix}sibling empty"),
        ]
    return cases


CASES = [
    Case("members:list", everyone(200)),
    Case("members:list", roles(200, outsider=404), data=lambda w: {"to_chuc": w.tree.b1.pk}, label="to_chuc=B1"),
    Case("members:list", roles(200, base_clerk=404), data=lambda w: {"to_chuc": w.tree.b2.pk}, label="to_chuc=B2"),
    Case("members:list", everyone(200), data=lambda w: {"export": "csv"}, label="export csv"),
    Case("members:list", roles(200, outsider=404), data=lambda w: {"export": "xlsx", "to_chuc": w.tree.b1.pk},
         label="export xlsx B1"),
    Case("members:detail", roles(200, outsider=404), kwargs=own, label="own"),
    Case("members:detail", roles(200, base_clerk=404), kwargs=sibling, label="sibling"),
    Case("members:admit", CREATE),
    Case("members:admit", CREATE, method="post", label="empty"),
    Case("members:receive", CREATE),
    Case("members:receive", CREATE, method="post", label="empty"),
    *_object_cases("members:edit", own, sibling),
    *_object_cases("members:value", own, sibling),
    *_object_cases("members:event", lambda w: {"pk": w.member_own.pk, "kind": "chuyen-sinh-hoat"},
                   lambda w: {"pk": w.member_sibling.pk, "kind": "chuyen-sinh-hoat"}, tag="chuyen-sinh-hoat"),
    *_object_cases("members:event", lambda w: {"pk": w.member_own.pk, "kind": "ket-nap-lai"},
                   lambda w: {"pk": w.member_sibling.pk, "kind": "ket-nap-lai"}, post=False, tag="ket-nap-lai"),
    *_object_cases("members:void", lambda w: {"pk": w.member_own.pk, "event_pk": w.event_own.pk},
                   lambda w: {"pk": w.member_sibling.pk, "event_pk": w.event_sibling.pk}),
    # An event of another member through an accessible member's URL is not found.
    Case("members:void", roles(404, inspection_staff=403, leader=403),
         kwargs=lambda w: {"pk": w.member_own.pk, "event_pk": w.event_sibling.pk}, label="foreign event"),
]
