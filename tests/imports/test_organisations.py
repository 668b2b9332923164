"""Organisation import: parents in the same file, host units, idempotent re-import, export round trip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangvu.imports.engine import issue_text
from dangvu.organisations.models import Organisation
from tests.imports.conftest import TODAY, xlsx_bytes

pytestmark = pytest.mark.django_db
HEADERS = ["Mã tổ chức", "Tên tổ chức", "Loại tổ chức", "Mã tổ chức cấp trên", "Ngày thành lập", "Số quyết định",
           "Đơn vị", "Loại hình đơn vị"]
ROWS = [
    ["B3", "Đảng bộ Công ty Gamma", "Đảng bộ cơ sở", "DU", "01/06/2016", "15-QĐ/ĐU", "Công ty Gamma", "Công ty TNHH"],
    ["C31", "Chi bộ Kho vận", "subordinate_cell", "B3", "02/06/2016", "16-QĐ/ĐU", "", ""],
]


def test_organisations_import_and_reimport(tree, run_import):
    batch, report = run_import(xlsx_bytes(ROWS, HEADERS), kind="organisations", commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    b3 = Organisation.objects.get(code="B3")
    assert b3.parent == tree.du and b3.host_unit.name == "Công ty Gamma" and b3.host_unit.unit_type == "llc"
    assert Organisation.objects.get(code="C31").parent == b3
    assert batch.rows.filter(content_type__model="organisation").count() == 2
    batch, report = run_import(xlsx_bytes(ROWS, HEADERS), kind="organisations", commit=True)
    assert report.counts()["unchanged"] == 2


def test_organisation_errors(tree, cast, run_import):
    rows = [["B1", "Tên khác", "Đảng bộ cơ sở", "DU", "01/01/2015", "", "", ""],
            ["X9", "Chi bộ X", "Chi bộ trực thuộc", "ZZ", "01/01/2016", "", "", ""],
            ["X10", "Chi bộ Y", "Loại lạ", "B1", "01/01/2016", "", "", ""]]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="organisations")[1]
    texts = [issue_text(i) for i in report.issues]
    assert any("Dòng 2" in t and "Tên khác" not in t and "tên “Đảng bộ Công ty Alpha”" in t for t in texts)
    assert any("Dòng 3" in t and "ZZ" in t for t in texts)
    assert any("Dòng 4" in t and "danh mục" in t for t in texts)


def test_organisation_rule_refusal(tree, run_import):
    rows = [["P1", "Tổ đảng dưới đảng bộ", "Tổ đảng", "DU", "01/01/2016", "", "", ""]]
    report = run_import(xlsx_bytes(rows, HEADERS), kind="organisations", commit=True)[1]
    assert report.issues[0].rule_id == "ORG-12"
    assert not Organisation.objects.filter(code="P1").exists()


def test_organisation_export_round_trip(client, tree, cast, run_import):
    client.force_login(cast.admin)
    content = client.get(reverse("imports:export", args=["to-chuc"]), {"format": "xlsx"}).content
    batch, report = run_import(content, kind="organisations", user=cast.admin, commit=True)
    assert report.ok, [issue_text(i) for i in report.issues]
    assert report.counts()["unchanged"] == 5


# Rollback of an organisation batch (ORG-18) ---------------------------------------------------------

def test_org_18_rollback_voids_the_foundings_children_first(tree, run_import, system_user):
    """ORG-18: a batch whose organisations nothing depends on is rolled back by voiding each founding (children
    before parents), with an audit row each; the organisations leave the tree, nothing is deleted."""
    from dangvu.audit.models import AuditEntry
    from dangvu.audit.services import audit_verify_chain
    from dangvu.imports import services
    from dangvu.organisations.models import OrganisationEvent
    from dangvu.organisations.selectors import flatten, organisation_tree

    batch, report = run_import(xlsx_bytes(ROWS, HEADERS), kind="organisations", commit=True)
    assert report.ok
    assert services.rollback_blockers(batch) == []
    services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    batch.refresh_from_db()
    assert batch.status == "rolled_back"
    for code in ("B3", "C31"):
        org = Organisation.objects.get(code=code)
        founding = OrganisationEvent.objects.get(organisation=org, kind="founding")
        assert founding.voided_at is not None and "Nhập nhầm tệp" in founding.void_reason
        assert org.ended_on == org.founded_on and not org.spells.exists()
    codes = {node.code for node in flatten(organisation_tree(user=system_user, day=TODAY))}
    assert "B3" not in codes and "C31" not in codes and "B1" in codes
    assert AuditEntry.objects.filter(action="void", event_type="founding").count() == 2
    assert audit_verify_chain() == []
    # The codes stay taken: importing the same file again says so instead of "unchanged".
    again = run_import(xlsx_bytes(ROWS, HEADERS), kind="organisations")[1]
    assert [(i.row, i.rule_id) for i in again.issues] == [(2, "ORG-14"), (3, "ORG-14")]


def test_org_18_rollback_blocked_by_a_member_and_a_later_child(tree, run_import, system_user, admit):
    """ORG-18: a member admitted into an imported cell, or a cell founded later under it, blocks the rollback,
    and the refusal names each one; nothing is voided."""
    from datetime import date

    from dangvu.imports import services
    from dangvu.imports.services import ImportRefused
    from dangvu.organisations.models import OrganisationEvent
    from dangvu.organisations.services import Decision, organisation_found

    batch, report = run_import(xlsx_bytes(ROWS, HEADERS), kind="organisations", commit=True)
    c31 = Organisation.objects.get(code="C31")
    admit(c31, on=date(2017, 3, 1))
    organisation_found(actor=system_user, code="C32", name="Chi bộ Bảo vệ", org_type="subordinate_cell",
                       parent=Organisation.objects.get(code="B3"), founded_on=date(2017, 1, 1),
                       decision=Decision("20-QĐ/ĐU", date(2017, 1, 1), "BTV"))
    blockers = services.rollback_blockers(batch)
    assert any(b.startswith("B3") and "C32" in b for b in blockers), blockers
    assert any(b.startswith("C31") and "đảng viên" in b for b in blockers), blockers
    with pytest.raises(ImportRefused, match="C32"):
        services.batch_rollback(batch, user=system_user, reason="Nhập nhầm tệp")
    assert not OrganisationEvent.objects.filter(kind="founding", voided_at__isnull=False).exists()


def test_org_18_service_refuses_with_rule_id(tree, system_user):
    """ORG-18 through the service itself: an organisation with children cannot lose its founding."""
    from dangvu.organisations.services import organisation_void_founding
    from dangvu.rules.engine import RuleViolation

    with pytest.raises(RuleViolation) as caught:
        organisation_void_founding(actor=system_user, organisation=tree.b1, reason="Thử hủy")
    assert caught.value.rule_id == "ORG-18" and "C1" in str(caught.value)
    organisation_void_founding(actor=system_user, organisation=tree.b2, reason="Ghi nhầm")
    tree.b2.refresh_from_db()
    assert tree.b2.ended_on == tree.b2.founded_on
    with pytest.raises(RuleViolation, match="ORG-18"):
        organisation_void_founding(actor=system_user, organisation=tree.b2, reason="Ghi nhầm lần hai")
