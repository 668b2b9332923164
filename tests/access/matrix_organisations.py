"""Access matrix of the organisation pages (/to-chuc/).

Structure is changed only by admin and committee staff (org_staff on DU); inspection staff and leaders
read everything below DU; the base clerk reads B1's subtree (structure forms there: 403, elsewhere 404);
the outsider (base clerk on B2) reads B2 only. Empty POSTs to a form re-render it with errors (200).
"""

from datetime import date

from dangvu.organisations.models import Term
from dangvu.organisations.services import term_create
from tests.access.spec import Case, everyone, roles

EVENT_KINDS = ("doi-ten", "chuyen", "doi-loai", "sap-nhap", "chia-tach", "giai-the")

# Read: B1 is the base clerk's subtree, B2 the outsider's, DU above both clerks.
READ_B1 = roles(200, outsider=404)
READ_B2 = roles(200, base_clerk=404)
READ_DU = roles(200, base_clerk=404, outsider=404)
# Structure forms.
WRITE_ANYWHERE = roles(403, admin=200, committee_staff=200)
WRITE_B1 = roles(403, admin=200, committee_staff=200, outsider=404)
WRITE_B2 = roles(403, admin=200, committee_staff=200, base_clerk=404)


def _term(world, organisation) -> Term:
    term = Term.objects.filter(organisation=organisation).first()
    return term or term_create(actor=world.cast.admin, organisation=organisation, label="2020 – 2025",
                               starts_on=date(2020, 7, 1), ends_on=None)


def _both_methods(url_name, expect, kwargs=lambda w: {}, data=lambda w: {}, label=""):
    """GET the page, and POST it with no form fields: allowed roles get the form back with errors (200)."""
    return [Case(url_name, expect, kwargs=kwargs, data=data, label=label),
            Case(url_name, expect, kwargs=kwargs, data=data, label=label, method="post")]


CASES = [
    Case("organisations:tree", everyone(200)),
    Case("organisations:tree", everyone(200), query="?ngay=31/02/2024", label="bad date"),
    Case("organisations:detail", READ_B1, kwargs=lambda w: {"pk": w.tree.b1.pk}, label="own B1"),
    Case("organisations:detail", READ_B1, kwargs=lambda w: {"pk": w.tree.c1.pk}, label="own C1"),
    Case("organisations:detail", READ_B2, kwargs=lambda w: {"pk": w.tree.b2.pk}, label="sibling B2"),
    Case("organisations:detail", READ_DU, kwargs=lambda w: {"pk": w.tree.du.pk}, label="parent DU"),
    *_both_methods("organisations:create", WRITE_ANYWHERE),
    *_both_methods("organisations:host_unit_create", WRITE_ANYWHERE),
    # ?to_chuc=<pk>: the test client turns GET data into the query string (POST: the body, also read).
    *_both_methods("organisations:host_unit_create", WRITE_B1, data=lambda w: {"to_chuc": w.tree.b1.pk},
                   label="own B1"),
    *_both_methods("organisations:host_unit_create", WRITE_B2, data=lambda w: {"to_chuc": w.tree.b2.pk},
                   label="sibling B2"),
    *_both_methods("organisations:term_create", WRITE_B1, kwargs=lambda w: {"pk": w.tree.b1.pk}, label="own B1"),
    *_both_methods("organisations:term_create", WRITE_B2, kwargs=lambda w: {"pk": w.tree.b2.pk}, label="sibling B2"),
    *_both_methods("organisations:post_assign", WRITE_B1,
                   kwargs=lambda w: {"pk": w.tree.b1.pk, "term_pk": _term(w, w.tree.b1).pk}, label="own B1"),
    *_both_methods("organisations:post_assign", WRITE_B2,
                   kwargs=lambda w: {"pk": w.tree.b2.pk, "term_pk": _term(w, w.tree.b2).pk}, label="sibling B2"),
    # Write access to B1 is checked first (read-only roles: 403), then the term must be B1's (404).
    *_both_methods("organisations:post_assign", roles(404, inspection_staff=403, leader=403, base_clerk=403),
                   kwargs=lambda w: {"pk": w.tree.b1.pk, "term_pk": _term(w, w.tree.b2).pk},
                   label="term of another organisation"),
    *_both_methods("organisations:event", everyone(404), kwargs=lambda w: {"pk": w.tree.b1.pk, "kind": "khong-co"},
                   label="unknown kind"),
]

for _kind in EVENT_KINDS:
    CASES += _both_methods("organisations:event", WRITE_B1,
                           kwargs=lambda w, k=_kind: {"pk": w.tree.b1.pk, "kind": k}, label=f"{_kind} own B1")
    CASES += _both_methods("organisations:event", WRITE_B2,
                           kwargs=lambda w, k=_kind: {"pk": w.tree.b2.pk, "kind": k}, label=f"{_kind} sibling B2")
