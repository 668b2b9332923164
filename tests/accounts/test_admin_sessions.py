"""SEC-10: forced password change after an administrator resets a password; SEC-12: the 5-minute idle
timeout on administration pages (time-travel tests with time-machine)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client
from django.urls import reverse

from dangvu.accounts.models import User
from dangvu.audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NEW_PASSWORD = "Mật-khẩu-Quản-trị-Đặt-2026!"
OWN_PASSWORD = "Mật-khẩu-Tự-Chọn-Rất-Dài-2026!"


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1")


def _staff_admin(cast) -> User:
    admin = cast.admin
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def _reset_by_admin(client, cast, target: User, password: str = NEW_PASSWORD):
    client.force_login(_staff_admin(cast))
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    return client.post(url, {"usable_password": "true", "password1": password, "password2": password},
                       REMOTE_ADDR="127.0.0.1")


def test_sec_10_admin_reset_sets_the_password_flags_a_change_and_is_audited(client, cast):
    response = _reset_by_admin(client, cast, cast.base_clerk)
    assert response.status_code == 302, response.content.decode()[:2000]
    clerk = User.objects.get(pk=cast.base_clerk.pk)
    assert clerk.check_password(NEW_PASSWORD) and clerk.must_change_password
    entry = AuditEntry.objects.get(event_type="password_reset")
    assert entry.action == AuditAction.UPDATE and entry.actor_username == "admin"
    assert entry.target_repr == "base_clerk" and entry.changes["new"]["must_change_password"] is True
    assert NEW_PASSWORD not in str(entry.changes)


def test_sec_10_after_an_admin_reset_the_user_must_change_the_password_before_anything_else(client, cast):
    _reset_by_admin(Client(), cast, cast.base_clerk)
    response = _login(client, "base_clerk", NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    # Typing another address does not get round it: every page leads back to the form.
    for url in (reverse("home"), reverse("members:list"), reverse("reports:index")):
        blocked = client.get(url)
        assert blocked.status_code == 302 and blocked["Location"] == reverse("password_change"), url
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(reverse("password_change"), {"old_password": NEW_PASSWORD, "new_password1": OWN_PASSWORD,
                                                       "new_password2": OWN_PASSWORD})
    assert changed.status_code == 302
    assert not User.objects.get(pk=cast.base_clerk.pk).must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_sec_10_a_forced_user_may_still_log_out(client, cast):
    _reset_by_admin(Client(), cast, cast.base_clerk)
    _login(client, "base_clerk", NEW_PASSWORD)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_sec_12_admin_reset_ends_the_users_open_sessions(client, cast):
    _login(client, "base_clerk", PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    _reset_by_admin(Client(), cast, cast.base_clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sec_10_admin_reset_with_a_weak_password_is_refused_and_nothing_changes(client, cast):
    response = _reset_by_admin(client, cast, cast.base_clerk, password="yeu-qua")
    assert response.status_code == 200  # the form again, with the policy's error
    clerk = User.objects.get(pk=cast.base_clerk.pk)
    assert clerk.check_password(PASSWORD) and not clerk.must_change_password
    assert not AuditEntry.objects.filter(event_type="password_reset").exists()


def test_sec_10_a_non_staff_user_cannot_reset_passwords(client, cast):
    """Denial case: the base clerk is sent to the admin login and the password is untouched."""
    client.force_login(cast.base_clerk)
    url = reverse("admin:auth_user_password_change", args=[cast.leader.pk])
    response = client.post(url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert User.objects.get(pk=cast.leader.pk).check_password(PASSWORD)


def test_sec_12_administration_pages_end_the_session_after_five_idle_minutes(client, cast):
    admin = _staff_admin(cast)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
    with time_machine.travel(start, tick=False):
        _login(client, admin.username, PASSWORD)
        assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=4, seconds=50), tick=False):
        assert client.get(reverse("admin:index")).status_code == 200  # activity restarts the 5 minutes
    with time_machine.travel(start + timedelta(minutes=10, seconds=10), tick=False):
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        # The session is over everywhere, not only on the administration pages.
        assert client.get(reverse("home")).status_code == 302


def test_sec_12_the_five_minutes_apply_only_to_administration_pages(client, cast):
    """The same 5 min 20 s pause is fine on business pages (15 minutes there) but ends an admin visit."""
    admin = _staff_admin(cast)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
    with time_machine.travel(start, tick=False):
        _login(client, admin.username, PASSWORD)
    with time_machine.travel(start + timedelta(minutes=5, seconds=20), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=10, seconds=40), tick=False):
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
