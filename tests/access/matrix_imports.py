"""Import pages and exports: every URL pattern of ``dangvu.imports.urls`` for the six roles.

Importing needs a member-writer role (admin, organisation staff, base clerk) for members, organisations, events
and candidates, an oversight-writer role (admin, inspection staff) for discipline decisions; leaders get 403.
A batch is visible to the user who uploaded it (and to the administrator): the
base clerk's batch is 404 for everyone else. Exports follow the scope of their lists."""

from tests.access.spec import Case, everyone, roles

IMPORTERS = roles(200, leader=403)
WRITERS = roles(200, inspection_staff=403, leader=403)
OVERSIGHT = roles(404, admin=200, inspection_staff=200, leader=200)
OWN_BATCH = roles(404, base_clerk=200, admin=200, leader=403)


def _batch(world):
    """A batch uploaded by the base clerk (created once per world)."""
    if not hasattr(world, "_import_batch"):
        from dangvu.imports.services import batch_create

        world._import_batch = batch_create(user=world.cast.base_clerk, kind="members", file_name="so.csv",
                                           content="Họ và tên,Ngày sinh\n".encode())
    return {"pk": world._import_batch.pk}


CASES = [
    Case("imports:index", IMPORTERS),
    Case("imports:upload", IMPORTERS, method="post", label="empty"),
    Case("imports:template", WRITERS, kwargs=lambda w: {"kind": "dang-vien"}),
    Case("imports:template", roles(200, inspection_staff=403, leader=403, base_clerk=403, outsider=403),
         kwargs=lambda w: {"kind": "to-chuc"}, label="to-chuc"),
    Case("imports:template", WRITERS, kwargs=lambda w: {"kind": "su-kien-dang-vien"}, label="su-kien-dang-vien"),
    Case("imports:template", WRITERS, kwargs=lambda w: {"kind": "nguon-phat-trien-dang"}, label="nguon"),
    Case("imports:template", roles(403, admin=200, inspection_staff=200), kwargs=lambda w: {"kind": "quyet-dinh-ky-luat"},
         label="quyet-dinh-ky-luat"),
    Case("imports:template", roles(403, admin=200, inspection_staff=200), kwargs=lambda w: {"kind": "kiem-tra-giam-sat"},
         label="kiem-tra-giam-sat"),
    Case("imports:batch", OWN_BATCH, kwargs=_batch),
    Case("imports:progress", OWN_BATCH, kwargs=_batch),
    # Not previewed: the owner is sent back to the batch page (302).
    Case("imports:commit", roles(404, base_clerk=302, admin=302, leader=403), kwargs=_batch,
         method="post"),
    Case("imports:rollback", OWN_BATCH, kwargs=_batch, method="post", label="empty"),
    Case("imports:export", everyone(200), kwargs=lambda w: {"kind": "dang-vien"}, query="?format=csv"),
    Case("imports:export", roles(200, outsider=404), kwargs=lambda w: {"kind": "dang-vien"},
         label="dang-vien B1",
         data=lambda w: {"format": "xlsx", "to_chuc": w.tree.b1.pk}),
    Case("imports:export", everyone(200), kwargs=lambda w: {"kind": "to-chuc"}, query="?format=xlsx"),
    Case("imports:export", roles(200, base_clerk=404), kwargs=lambda w: {"kind": "to-chuc"},
         data=lambda w: {"format": "csv", "to_chuc": w.tree.b2.pk}, label="to-chuc B2"),
    Case("imports:export", everyone(200), kwargs=lambda w: {"kind": "nguon-phat-trien-dang"}, query="?format=csv"),
    Case("imports:export", everyone(200), kwargs=lambda w: {"kind": "su-kien-dang-vien"}, query="?format=xlsx"),
    # Oversight records are confidential: only inspection staff, leaders and administrators (else 404).
    Case("imports:export", OVERSIGHT, kwargs=lambda w: {"kind": "kiem-tra-giam-sat"}, query="?format=xlsx"),
    Case("imports:export", OVERSIGHT, kwargs=lambda w: {"kind": "quyet-dinh-ky-luat"}, query="?format=csv"),
    Case("imports:export", roles(404, admin=200), kwargs=lambda w: {"kind": "nhat-ky"}, query="?format=csv"),
]
