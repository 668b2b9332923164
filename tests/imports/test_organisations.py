"""Organisation import: parents in the same file, host units, idempotent re-import, export round trip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangvu.imports.engine import issue_text
from dangvu.organisations.models import Organisation
from tests.imports.conftest import xlsx_bytes

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
