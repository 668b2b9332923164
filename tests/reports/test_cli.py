"""`dangvu report`: the JSON form of REPORTS.md and Vietnamese errors with a non-zero exit."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangvu.reports.figures import REGISTRY

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_json_has_the_reports_md_shape_and_true_figures(committee):
    data = json.loads(run("--org", "DU", "--from", "2018-01-01", "--to", "2018-12-31", "--format", "json"))
    assert set(data) == {"organisation", "period", "as_of", "figures", "checks", "text"}
    assert data["organisation"] == {"code": "DU", "name": "Đảng bộ Khu công nghiệp Demo"}
    assert data["period"] == {"from": "2018-01-01", "to": "2018-12-31"}
    assert data["figures"]["admissions.total"] == 2 and data["figures"]["members.closing"] == 6
    assert set(data["figures"]) == set(REGISTRY)
    assert {"id": "members.reconciliation", "ok": True} .items() <= data["checks"][0].items()
    assert "phát triển được 2 đảng viên mới" in data["text"]


def test_json_as_of_before_the_correction(committee):
    data = json.loads(run("--org", "du", "--from", "2018-01-01", "--to", "2018-12-31",
                          "--as-of", committee.before_void.isoformat()))
    assert data["figures"]["members.died"] == 1


def test_text_format(committee):
    text = run("--org", "B1", "--from", "2018-01-01", "--to", "2018-12-31", "--format", "text")
    assert "members.org_moved_in" in text and "Đảng bộ Công ty Alpha" in text


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "XX", "--from", "2018-01-01", "--to", "2018-12-31"), "Không tìm thấy tổ chức đảng"),
    (("--org", "DU", "--from", "2018-13-01", "--to", "2018-12-31"), "Ngày bắt đầu không hợp lệ"),
    (("--org", "DU", "--from", "2018-12-31", "--to", "2018-01-01"), "ngày bắt đầu 31/12/2018 sau ngày kết thúc"),
    (("--org", "DU", "--from", "2018-01-01", "--to", "2018-12-31", "--as-of", "hôm qua"), "Thời điểm không hợp lệ"),
])
def test_bad_input_is_refused_in_vietnamese(committee, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_bad_input_exits_non_zero_with_message_on_stderr(committee, capsys):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["dangvu", "report", "--org", "KHONG", "--from", "2018-01-01", "--to", "2018-12-31"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "Không tìm thấy tổ chức đảng có mã “KHONG”" in capsys.readouterr().err
