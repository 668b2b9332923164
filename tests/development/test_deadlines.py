"""The deadlines page for a frozen "today": each kind of deadline with its due date, most urgent first,
scoped to the user's subtree."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from dangvu.development.selectors import deadlines
from dangvu.workdays.services import add_working_days
from tests.development.conftest import Path

TODAY = date(2023, 5, 2)


@pytest.fixture
def scene(walker, tree, admit):
    a = walker.candidate(tree.c1, name="An Chứng Nhận", path=Path(listed=date(2018, 1, 1)))
    walker.step(a, "course", date(2018, 6, 20))
    b = walker.candidate(tree.c1, name="Bình Chờ Quyết")
    walker.walk(b, "cell_resolution")
    c = walker.candidate(tree.b2, name="Cường Chờ Lễ")
    walker.walk(c, "decision")
    admit(tree.c1, name="Dung Sắp Hết", on=date(2022, 5, 10), ceremony=date(2022, 5, 20))
    admit(tree.c2, name="Em Quá Hạn", on=date(2022, 2, 20), ceremony=date(2022, 3, 1))
    walker.candidate(tree.c2, name="Phúc Đứng Yên", path=Path(listed=date(2022, 6, 1)))
    walker.candidate(tree.b2, name="Giang Ngoài Phạm Vi", path=Path(listed=date(2022, 6, 1)))
    return tree


def test_deadlines_for_a_frozen_today(scene, cast):
    with time_machine.travel(date(2023, 5, 2), tick=False):
        items = deadlines(user=cast.committee_staff, today=TODAY)
    found = [(i.kind, i.name, i.due) for i in items]
    expected = [
        ("stalled", "An Chứng Nhận", date(2018, 12, 20)),
        ("stalled", "Phúc Đứng Yên", date(2022, 12, 1)),
        ("stalled", "Giang Ngoài Phạm Vi", date(2022, 12, 1)),
        ("probation", "Em Quá Hạn", add_working_days(date(2022, 3, 1).replace(year=2023), 30)),
        ("probation", "Dung Sắp Hết", date(2023, 5, 20)),
        ("ceremony", "Cường Chờ Lễ", add_working_days(date(2023, 4, 12), 30)),
        ("decision", "Bình Chờ Quyết", add_working_days(date(2023, 3, 20), 60)),
        ("certificate", "An Chứng Nhận", date(2023, 6, 20)),
    ]
    assert sorted(found, key=lambda x: (x[2], x[1])) == found  # sorted by urgency
    assert sorted(found) == sorted(expected)
    overdue = {i.name for i in items if i.overdue}
    assert overdue == {"An Chứng Nhận", "Phúc Đứng Yên", "Giang Ngoài Phạm Vi", "Em Quá Hạn"} or \
        overdue == {"Phúc Đứng Yên", "Giang Ngoài Phạm Vi", "Em Quá Hạn", "An Chứng Nhận"}


def test_deadlines_are_scoped_and_the_page_shows_them(scene, cast, client):
    with time_machine.travel(date(2023, 5, 2), tick=False):
        names = {i.name for i in deadlines(user=cast.base_clerk, today=TODAY)}
        assert "Giang Ngoài Phạm Vi" not in names and "Cường Chờ Lễ" not in names
        assert {"An Chứng Nhận", "Bình Chờ Quyết", "Dung Sắp Hết", "Em Quá Hạn"} <= names
        client.force_login(cast.base_clerk)
        page = client.get(reverse("development:deadlines")).content.decode()
    assert "Tính đến ngày 02/05/2023" in page
    assert "Bình Chờ Quyết" in page and "Giang Ngoài Phạm Vi" not in page
    assert page.index("Em Quá Hạn") < page.index("Dung Sắp Hết") < page.index("Bình Chờ Quyết")


def test_nothing_due_far_ahead(walker, tree, cast):
    candidate = walker.candidate(tree.c1, path=Path(listed=date(2023, 4, 1)))
    walker.step(candidate, "course", date(2023, 4, 20))
    assert deadlines(user=cast.committee_staff, today=TODAY) == []
