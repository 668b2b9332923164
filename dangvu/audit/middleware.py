"""Keeps the current request's source address at hand for the audit writer."""

from __future__ import annotations

import contextvars

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("dangvu_current_ip", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
