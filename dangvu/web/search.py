"""SEC-09: what a user types into a search box never travels in an address.

A search form is sent with POST. The typed text is kept in the user's session under a random
token, and the list's address carries only that token (``?tim=…``) with the other filters (ids and
fixed codes), so that paging, export links, the browser history and the server's access log hold
no name, citizen ID or card number. A token is meaningful only inside the session that made it.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, QueryDict

TOKEN_PARAM = "tim"
SESSION_KEY = "search_texts"
KEEP = 20  # tokens kept per session (a search box sends one per pause in typing)
_NOT_FILTERS = {"csrfmiddlewaretoken", "trang", "export"}


def remember(request: HttpRequest, text: str) -> str:
    """Store ``text`` in the session and return its token (the same token for the same text)."""
    texts: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    for token, known in texts.items():
        if known == text:
            return token
    token = secrets.token_urlsafe(6)
    texts[token] = text
    request.session[SESSION_KEY] = dict(list(texts.items())[-KEEP:])
    return token


def recall(request: HttpRequest, token: str) -> str:
    return request.session.get(SESSION_KEY, {}).get(token, "")


def query_from_post(request: HttpRequest, field: str = "q") -> QueryDict:
    """The address query for a posted search form: its filters, and a token instead of the text."""
    query = QueryDict(mutable=True)
    for name in request.POST:
        if name in _NOT_FILTERS or name == field:
            continue
        values = [v for v in request.POST.getlist(name) if v != ""]
        if values:
            query.setlist(name, values)
    text = request.POST.get(field, "").strip()
    if text:
        query[TOKEN_PARAM] = remember(request, text)
    return query


def form_data(request: HttpRequest, field: str = "q") -> QueryDict | None:
    """The data to bind a filter form to: the address's filters with the text behind its token."""
    if not request.GET:
        return None
    data = request.GET.copy()
    token = data.pop(TOKEN_PARAM, [""])[-1]
    if token and not data.get(field):
        data[field] = recall(request, token)
    return data
