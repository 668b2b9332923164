"""A report that takes more than a second shows its progress (step k of n, what is being computed) and the
page polls it until the report replaces it: computed in a background thread (``dangvu.reports.jobs``)."""

from __future__ import annotations

import os
import time

import pytest
from django.urls import reverse

from dangvu.reports import jobs

HALF_2018 = "?to_chuc=DU&ky=half&nam=2018"
# SQLite in memory (the default test database) cannot serve a second connection while the request writes:
# there the report is computed in the request (see jobs.available); CI runs these on PostgreSQL.
needs_threads = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="background reports need PostgreSQL (SQLite in memory locks tables)")


def _poll(client, url, *, seconds=60):
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        text = response.content.decode()
        seen.append(text)
        if "tien-do-bao-cao" not in text:
            return text, seen
        time.sleep(0.2)
    raise AssertionError("the report never finished")


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_slow_report_shows_real_progress_then_the_report(client, committee, cast, settings):
    settings.DANGVU_REPORT_PROGRESS_AFTER = 0  # every report counts as slow here
    client.force_login(cast.committee_staff)
    first = client.get(reverse("reports:index") + HALF_2018, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="tien-do-bao-cao"' in first and "<progress" in first and "Bước " in first
    assert 'hx-trigger="load delay:1s"' in first  # polls again after each answer
    token = int(first.split("/bao-cao/tien-do/")[1].split("/")[0])
    job = jobs.get(token, cast.committee_staff.pk)
    text, _seen = _poll(client, reverse("reports:progress", args=[token]))
    assert "Toàn Đảng bộ phát triển được 2 đảng viên mới" in text
    assert jobs.get(token, cast.committee_staff.pk) is None  # delivered once, then forgotten
    # Four steps for a half-year: this period, the same half a year earlier, the previous half, the text.
    assert [(step, steps) for step, steps, _label in job.history] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert "6 tháng đầu năm 2017" in job.history[1][2] and "6 tháng cuối năm 2017" in job.history[2][2]
    assert job.percent == 100


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_progress_page_without_htmx_polls_too(client, committee, cast, settings):
    settings.DANGVU_REPORT_PROGRESS_AFTER = 0
    client.force_login(cast.leader)
    page = client.get(reverse("reports:index") + HALF_2018).content.decode()
    assert "<h1>Báo cáo tổng hợp</h1>" in page and 'id="tien-do-bao-cao"' in page


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_a_quick_report_is_shown_at_once(client, committee, cast, settings):
    settings.DANGVU_REPORT_PROGRESS_AFTER = 60
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + HALF_2018, HTTP_HX_REQUEST="true").content.decode()
    assert "tien-do-bao-cao" not in page and "Toàn Đảng bộ phát triển được 2 đảng viên mới" in page


@needs_threads
@pytest.mark.django_db(transaction=True)
def test_progress_of_another_users_report_is_not_found(client, committee, cast, settings):
    settings.DANGVU_REPORT_PROGRESS_AFTER = 0
    client.force_login(cast.committee_staff)
    first = client.get(reverse("reports:index") + HALF_2018, HTTP_HX_REQUEST="true").content.decode()
    token = int(first.split("/bao-cao/tien-do/")[1].split("/")[0])
    client.force_login(cast.leader)
    assert client.get(reverse("reports:progress", args=[token])).status_code == 404
    client.force_login(cast.committee_staff)
    _poll(client, reverse("reports:progress", args=[token]))  # let the thread end before the database goes


def test_progress_steps_and_percent():
    job = jobs.Job(token=1, user_id=1)
    job.progress(1, 4, "a")
    assert job.percent == 0
    job.progress(3, 4, "c")
    assert (job.step, job.label, job.percent) == (3, "c", 50)


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_in_memory_the_report_is_computed_in_the_request(client, committee, cast, settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    settings.DANGVU_REPORT_PROGRESS_AFTER = 0
    client.force_login(cast.committee_staff)
    page = client.get(reverse("reports:index") + HALF_2018, HTTP_HX_REQUEST="true").content.decode()
    assert "tien-do-bao-cao" not in page and "Toàn Đảng bộ phát triển được 2 đảng viên mới" in page
