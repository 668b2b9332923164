"""The organisation tree page: scope, member counts, ORG-03 warnings, as of a day and as known then."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dangvu.organisations.services import Decision, organisation_rename

URL = "/to-chuc/"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _node(html: str, name: str) -> str:
    """The <li> of the node whose link text is ``name``, up to its first nested list or its end."""
    start = html.index(f">{name}</a>")
    end = min(i for i in (html.find("<ul>", start), html.find("</li>", start)) if i != -1)
    return html[start:end]


def test_url_name_is_fixed():
    assert reverse("organisations:tree") == URL


def test_tree_shows_nested_visible_organisations_with_counts(client, tree, cast, admit, official):
    admit(tree.c1, name="Trần Thị Bình")
    official(tree.c1, name="Lê Văn Cường")
    client.force_login(cast.committee_staff)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="tree">' in html
    for org in (tree.du, tree.b1, tree.c1, tree.c2, tree.b2):
        assert f'href="/to-chuc/{org.pk}/"' in html
        assert f"mã {org.code}" in html
    assert "2 đảng viên (1 chính thức)" in _node(html, "Chi bộ Phân xưởng 1")
    # A committee counts its whole subtree, official members included.
    assert "2 đảng viên (1 chính thức)" in _node(html, "Đảng bộ Công ty Alpha")
    assert "Đảng bộ cơ sở" in _node(html, "Đảng bộ Công ty Alpha")
    # C1 is nested inside B1's list.
    b1_at = html.index(">Đảng bộ Công ty Alpha</a>")
    assert b1_at < html.index(">Chi bộ Phân xưởng 1</a>") < html.index(">Chi bộ Công ty Beta</a>")


def test_base_clerk_sees_only_own_subtree(client, tree, cast):
    client.force_login(cast.base_clerk)
    html = client.get(URL).content.decode()
    assert "Đảng bộ Công ty Alpha" in html and "Chi bộ Phân xưởng 2" in html
    assert "Chi bộ Công ty Beta" not in html
    assert "Đảng bộ Khu công nghiệp Demo" not in html
    assert "Thành lập tổ chức mới" not in html  # no structure role


def test_org_03_cell_below_three_official_members_is_flagged(client, tree, cast, official):
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        official(tree.c1, name=name)
    official(tree.c2, name="Phạm Thị Dung")
    client.force_login(cast.committee_staff)
    html = client.get(URL).content.decode()
    assert "[ORG-03]" not in _node(html, "Chi bộ Phân xưởng 1")
    assert "[ORG-03]" in _node(html, "Chi bộ Phân xưởng 2")
    assert "[ORG-03]" not in _node(html, "Đảng bộ Công ty Alpha")  # not a cell
    assert "có 2 chi bộ dưới 3 đảng viên chính thức" in html  # C2 and B2


def test_tree_as_of_a_day_before_a_rename_shows_the_old_name(client, tree, cast, system_user):
    organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Xưởng Cơ khí",
                        effective_date=date(2020, 6, 1), decision=Decision("5-QĐ/ĐU", date(2020, 5, 25), "BTV"))
    client.force_login(cast.committee_staff)
    before = client.get(URL, {"ngay": "31/05/2020"}).content.decode()
    after = client.get(URL, {"ngay": "01/06/2020"}).content.decode()
    assert "Chi bộ Phân xưởng 1" in before and "Chi bộ Xưởng Cơ khí" not in before
    assert "Cây tổ chức ngày <strong>31/05/2020</strong>" in before
    assert "Chi bộ Xưởng Cơ khí" in after and "Chi bộ Phân xưởng 1" not in after


def test_tree_before_founding_is_empty(client, tree, cast):
    client.force_login(cast.committee_staff)
    html = client.get(URL, {"ngay": "31/12/2014"}).content.decode()
    assert "Không có tổ chức đảng nào trong phạm vi của bạn vào ngày này." in html


def test_known_at_is_the_end_of_that_day_in_ho_chi_minh_city(client, tree, cast, system_user):
    # The tree was recorded just now, on local day D. A rename recorded at 00:30 on D + 1 in Hồ Chí Minh
    # City = 17:30 UTC on D: not yet known at the end of D local time, although it is before the end of D
    # in UTC. (Dates follow the clock: the tree fixture is recorded at the real time of the run.)
    day = datetime.now(HCM).date()
    next_day = day + timedelta(days=1)
    with time_machine.travel(datetime.combine(next_day, time(0, 30), tzinfo=HCM), tick=False):
        organisation_rename(actor=system_user, organisation=tree.c1, new_name="Chi bộ Xưởng Cơ khí",
                            effective_date=date(2020, 6, 1), decision=Decision("5-QĐ/ĐU", date(2020, 5, 25), "BTV"))
    client.force_login(cast.committee_staff)
    known_then = client.get(URL, {"ngay": "01/07/2020", "biet_den": f"{day:%d/%m/%Y}"}).content.decode()
    known_next_day = client.get(URL, {"ngay": "01/07/2020", "biet_den": f"{next_day:%d/%m/%Y}"}).content.decode()
    assert "Chi bộ Phân xưởng 1" in known_then and "Chi bộ Xưởng Cơ khí" not in known_then
    assert f"theo dữ liệu đã ghi đến hết ngày <strong>{day:%d/%m/%Y}</strong>" in known_then
    assert "Chi bộ Xưởng Cơ khí" in known_next_day


@pytest.mark.parametrize("params", [{"ngay": "31/02/2024"}, {"ngay": "hôm qua"}, {"biet_den": "2024/13/45"}])
def test_bad_dates_give_a_vietnamese_message_not_a_500(client, tree, cast, params):
    client.force_login(cast.committee_staff)
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày phải viết dạng ngày/tháng/năm, ví dụ 05/09/2024." in html
    assert "Đang hiển thị cây tổ chức ngày hôm nay" in html
    assert "Đảng bộ Công ty Alpha" in html


def test_htmx_request_gets_only_the_tree_section(client, tree, cast):
    client.force_login(cast.committee_staff)
    response = client.get(URL, {"ngay": "01/01/2020"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="khu-cay-to-chuc">')
    assert "<html" not in html and "Đảng bộ Công ty Alpha" in html


def test_no_external_urls_in_the_page(client, tree, cast):
    client.force_login(cast.committee_staff)
    html = client.get(URL).content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_tree_refuses_post(client, tree, cast):
    client.force_login(cast.committee_staff)
    assert client.post(URL).status_code == 405


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
