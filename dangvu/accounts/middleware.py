"""Session lifetime: idle timeout (shorter on administration pages) and an absolute lifetime."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

_STARTED = "dangvu_session_started"
_LAST_SEEN = "dangvu_last_seen"
# Sent by the pages' automatic refreshes (progress bars, ``hx-headers``): not the user's activity.
POLL_HEADER = "X-Dangvu-Poll"


def mark_session_start(sender, request, user, **kwargs):
    """The absolute lifetime runs from the login itself (connected to ``user_logged_in``)."""
    now = time.time()
    request.session[_STARTED] = now
    request.session[_LAST_SEEN] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(_STARTED, now)
            last_seen = request.session.get(_LAST_SEEN, now)
            idle = (
                settings.SESSION_ADMIN_IDLE_TIMEOUT
                if request.path.startswith("/quan-tri/")
                else settings.SESSION_IDLE_TIMEOUT
            )
            if now - last_seen > idle.total_seconds() or now - started > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
                logout(request)
                return redirect(f"{reverse(settings.LOGIN_URL)}?het_phien=1")
            if request.headers.get(POLL_HEADER) != "1":
                # An open page refreshing itself neither keeps an idle session alive nor writes the session (on
                # SQLite that write would wait for a long import's transaction).
                request.session[_STARTED] = started
                request.session[_LAST_SEEN] = now
            if getattr(user, "must_change_password", False) and not _may_pass_while_forced(request.path):
                # SEC-10: first login or a password set by an administrator: nothing else until it is changed.
                return redirect("password_change")
        return self.get_response(request)


def _may_pass_while_forced(path: str) -> bool:
    allowed = (reverse("password_change"), reverse("logout"), reverse(settings.LOGIN_URL))
    return path in allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
