"""Rules as data: look up the version of a rule in force on a date, and refuse with its message.

``catalogue.json`` holds every rule the services check, each version with its legal basis and
effective dates. Services call ``require(rule_id, on=date, ok=condition)``: when the condition fails,
``RuleViolation`` carries the rule ID, the Vietnamese message and the basis in force that day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

_CATALOGUE = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True)
class RuleVersion:
    rule_id: str
    message: str
    basis: str
    valid_from: date
    valid_to: date | None
    params: dict[str, Any]


class RuleViolation(Exception):
    """A domain rule refused a write. ``str()`` is the message a user reads."""

    def __init__(self, rule: RuleVersion, detail: str = ""):
        self.rule = rule
        self.detail = detail
        super().__init__(self.user_message)

    @property
    def rule_id(self) -> str:
        return self.rule.rule_id

    @property
    def user_message(self) -> str:
        text = f"[{self.rule.rule_id}] {self.rule.message}"
        if self.detail:
            text += f" {self.detail}"
        return f"{text} (Căn cứ: {self.rule.basis})"


@cache
def _load() -> dict[str, list[RuleVersion]]:
    raw = json.loads(_CATALOGUE.read_text(encoding="utf-8"))
    rules: dict[str, list[RuleVersion]] = {}
    for rule in raw["rules"]:
        rules[rule["id"]] = [
            RuleVersion(
                rule_id=rule["id"],
                message=rule["message"],
                basis=version["basis"],
                valid_from=date.fromisoformat(version["valid_from"]),
                valid_to=date.fromisoformat(version["valid_to"]) if version.get("valid_to") else None,
                params=version.get("params", {}),
            )
            for version in rule["versions"]
        ]
    return rules


def all_rules() -> dict[str, list[RuleVersion]]:
    return _load()


def rule_in_force(rule_id: str, on: date) -> RuleVersion:
    versions = _load()[rule_id]
    for version in versions:
        if version.valid_from <= on and (version.valid_to is None or on <= version.valid_to):
            return version
    # Before the first recorded version the earliest one applies: old records are judged by the
    # oldest text we hold rather than by none.
    return min(versions, key=lambda v: v.valid_from) if on < versions[0].valid_from else versions[-1]


def param(rule_id: str, name: str, on: date) -> Any:
    return rule_in_force(rule_id, on).params[name]


def require(rule_id: str, *, on: date, ok: bool, detail: str = "") -> None:
    if not ok:
        raise RuleViolation(rule_in_force(rule_id, on), detail)


def refuse(rule_id: str, *, on: date, detail: str = "") -> None:
    raise RuleViolation(rule_in_force(rule_id, on), detail)
