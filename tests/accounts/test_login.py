"""Login, lockout, session lifetime and the password policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangvu.audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1")


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html and "Mật khẩu" in html


def test_login_works_and_is_audited(client, cast):
    response = _login(client, "base_clerk", PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor_username="base_clerk").count() == 1


def test_wrong_password_is_refused_in_vietnamese_and_audited(client, cast):
    response = _login(client, "base_clerk", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, result="denied").count() == 1


def test_five_failures_lock_the_account_for_twelve_hours(client, cast):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "base_clerk", "sai-mat-khau")
        locked = _login(client, "base_clerk", PASSWORD)
        assert locked.status_code == 429
        assert "khóa" in locked.content.decode()
    with time_machine.travel(start + timedelta(hours=11, minutes=59), tick=False):
        assert _login(client, "base_clerk", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        assert _login(client, "base_clerk", PASSWORD).status_code == 302


def test_four_failures_do_not_lock(client, cast):
    for _ in range(4):
        _login(client, "base_clerk", "sai-mat-khau")
    assert _login(client, "base_clerk", PASSWORD).status_code == 302


def test_session_ends_after_fifteen_idle_minutes(client, cast):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
    with time_machine.travel(start, tick=False):
        _login(client, "base_clerk", PASSWORD)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=29, seconds=30), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_session_ends_after_eight_hours_even_when_active(client, cast):
    start = datetime(2026, 3, 2, 7, 0, tzinfo=HCM)
    _at = start
    with time_machine.travel(start, tick=False):
        _login(client, "base_clerk", PASSWORD)
    for minutes in range(10, 8 * 60, 10):
        _at = start + timedelta(minutes=minutes)
        with time_machine.travel(_at, tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(hours=8, minutes=5), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_logout_invalidates_the_session(client, cast):
    _login(client, "base_clerk", PASSWORD)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key  # replay the old cookie
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_not_allowed(client, cast):
    client.force_login(cast.base_clerk)
    assert client.get(reverse("logout")).status_code == 405


def test_session_id_changes_at_login(client, cast):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _login(client, "base_clerk", PASSWORD)
    assert client.session.session_key != before


def test_first_login_forces_password_change(client, cast):
    cast.base_clerk.must_change_password = True
    cast.base_clerk.save()
    response = _login(client, "base_clerk", PASSWORD)
    assert response["Location"] == reverse("password_change")


@pytest.mark.parametrize("password", ["ngắn-Aa1!", "khongcochuhoa-123!", "KHONGCOCHUTHUONG-1!", "KhongCoChuSo-Nao!",
                                      "KhongCoKyTuDacBiet123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_strong_password_is_accepted():
    validate_password("Hai-Con-Meo-Trang-2026!")


def test_production_hasher_is_argon2():
    from dangvu import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sec_11_admin_unlock_lifts_the_lock_and_is_audited(client, cast):
    from dangvu.accounts.services import user_unlock

    for _ in range(5):
        _login(client, "base_clerk", "sai-mat-khau")
    assert _login(client, "base_clerk", PASSWORD).status_code == 429
    user_unlock(actor=cast.admin, user=cast.base_clerk)
    assert _login(client, "base_clerk", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(event_type="account_unlock")
    assert entry.actor_username == "admin" and entry.target_repr == "base_clerk"


def test_sec_12_disabling_an_account_kills_its_session(client, cast):
    from dangvu.accounts.services import user_disable

    _login(client, "base_clerk", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    user_disable(actor=cast.admin, user=cast.base_clerk, reason="Nghỉ việc")
    assert client.get(reverse("home")).status_code == 302


def test_sec_12_password_change_ends_the_other_sessions(client, cast):
    from django.test import Client

    other = Client()
    other.post(reverse("login"), {"username": "base_clerk", "password": PASSWORD}, REMOTE_ADDR="127.0.0.2")
    assert other.get(reverse("home")).status_code == 200
    _login(client, "base_clerk", PASSWORD)
    new_password = "Mật-khẩu-Mới-2026-Rất-Dài!"
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new_password,
                                                        "new_password2": new_password})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # this session continues
    assert other.get(reverse("home")).status_code == 302  # the other one is over


def test_a_page_refreshing_itself_does_not_keep_an_idle_session_alive(client, cast):
    """SEC idle timeout: the progress bars' automatic refreshes (``X-Dangvu-Poll``) are not the user's activity;
    a request the user makes is."""
    from dangvu.accounts.middleware import POLL_HEADER

    start = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
    with time_machine.travel(start, tick=False):
        _login(client, "base_clerk", PASSWORD)
    for minutes in (5, 10, 14):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home"), headers={POLL_HEADER: "1"}).status_code == 200
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_progress_bars_mark_their_refreshes_as_automatic():
    from pathlib import Path

    from dangvu.accounts.middleware import POLL_HEADER

    root = Path(__file__).resolve().parents[2] / "dangvu"
    for template in ("imports/templates/imports/_progress.html", "reports/templates/reports/_progress.html"):
        text = (root / template).read_text()
        assert "hx-get" in text and f"""hx-headers='{{"{POLL_HEADER}": "1"}}'""" in text, template
