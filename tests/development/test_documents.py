"""The admission and recognition decisions as Word files: read back with python-docx for the number,
dates, names and organisation headers; converted to PDF by LibreOffice when it is installed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from dangvu.development.documents import admission_decision, party_date, recognition_decision


def _text(content: bytes) -> tuple[str, Document]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts), document


def test_party_date_format():
    from datetime import date
    assert party_date(date(2023, 4, 10)) == "ngày 10 tháng 4 năm 2023"
    assert party_date(date(2020, 2, 3)) == "ngày 03 tháng 02 năm 2020"


@pytest.fixture
def admitted(walker, tree):
    candidate = walker.candidate(tree.c1, name="Phạm Thị Hoa", home_town="Bến Tre")
    walker.walk(candidate, "recognition")
    return candidate


def test_admission_decision_carries_the_recorded_data(admitted):
    text, document = _text(admission_decision(admitted))
    assert "ĐẢNG BỘ KHU CÔNG NGHIỆP DEMO" in text and "ĐẢNG ỦY KHU CÔNG NGHIỆP DEMO" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "Số 125-QĐ/ĐU" in text
    assert "TP. Hồ Chí Minh, ngày 10 tháng 4 năm 2023" in text
    assert "QUYẾT ĐỊNH" in text and "kết nạp đảng viên" in text
    assert "Kết nạp đồng chí Phạm Thị Hoa, sinh ngày 20/05/1998, quê quán Bến Tre" in text
    assert "Chi bộ Phân xưởng 1 ngày 20/03/2023" in text
    assert "T/M BAN THƯỜNG VỤ" in text and "BÍ THƯ" in text and "Lê Văn Bí" in text and "Nơi nhận:" in text
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    sizes = {run.font.size.pt for p in document.paragraphs for run in p.runs if run.font.size}
    assert fonts == {"Times New Roman"} and 14 in sizes


def test_recognition_decision_carries_the_recorded_data(admitted):
    text, _ = _text(recognition_decision(admitted))
    assert "Số 310-QĐ/ĐU" in text and "ngày 20 tháng 5 năm 2024" in text
    assert "công nhận đảng viên chính thức" in text
    assert "là đảng viên chính thức kể từ ngày 05/05/2024" in text
    assert "Quyết định số 125-QĐ/ĐU ngày 10/04/2023" in text


def test_download_is_scoped_and_audited(admitted, cast, client):
    from dangvu.audit.models import AuditEntry

    client.force_login(cast.base_clerk)
    response = client.get(reverse("development:document", kwargs={"pk": admitted.pk, "kind": "ket-nap"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export", event_type="document:ket-nap").exists()
    client.force_login(cast.outsider)
    assert client.get(reverse("development:document", kwargs={"pk": admitted.pk, "kind": "ket-nap"})).status_code == 404


LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def test_decisions_open_in_libreoffice(admitted, tmp_path):
    if not LIBREOFFICE:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed")
    for name, build in (("ket-nap", admission_decision), ("cong-nhan", recognition_decision)):
        source = tmp_path / f"{name}.docx"
        source.write_bytes(build(admitted))
        subprocess.run([LIBREOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                       check=True, capture_output=True, timeout=120)
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
