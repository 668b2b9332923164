"""The URL × role × scope access matrix (SEC-01).

Each ``matrix_*.py`` module in this folder lists ``CASES``: one ``Case`` per URL pattern and method,
with the object chosen from the ``World`` (in the base clerk's own subtree, in a sibling, or the
parent) and the status every role of the cast must get. ``test_matrix.py`` runs them all and fails
when a URL pattern of the project has no case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("admin", "committee_staff", "inspection_staff", "leader", "base_clerk", "outsider")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def roles(default: int, **overrides: int) -> dict[str, int]:
    return {**everyone(default), **overrides}


@dataclass(frozen=True)
class Case:
    url_name: str
    expect: dict[str, int]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda world: {}
    query: str = ""
    label: str = ""
    # Some responses are redirects on success; list the statuses that count as "allowed".
    extra: dict[str, Any] = field(default_factory=dict)

    def id(self) -> str:
        return f"{self.method.upper()} {self.url_name} {self.label}".strip()
