"""SEC-23: every model field is classified in the data inventory, and the command prints it."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command

from dangvu.privacy.inventory import INVENTORY

# Apps whose models are not yet classified (none: every app is covered).
PENDING_APPS: set[str] = set()


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("dangvu.") and m._meta.app_label not in PENDING_APPS]


def test_every_field_of_every_model_is_classified():
    missing = []
    for model in _project_models():
        classified = INVENTORY.get(model._meta.label, {})
        missing += [f"{model._meta.label}.{f.name}" for f in model._meta.concrete_fields if f.name not in classified]
    assert not missing, f"unclassified fields (add them to dangvu/privacy/inventory.py): {missing}"


def test_the_inventory_names_no_field_that_does_not_exist():
    stale = []
    for label, fields in INVENTORY.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.concrete_fields}
        stale += [f"{label}.{name}" for name in fields if name not in names]
    assert not stale, stale


def test_citizen_ids_family_background_and_discipline_are_sensitive():
    assert INVENTORY["members.Member"]["citizen_id"].category == "sensitive"
    assert INVENTORY["members.Member"]["family_background"].category == "sensitive"
    assert INVENTORY["oversight.DisciplineCase"]["violation_description"].level == 4


def test_data_inventory_command_prints_the_personal_fields():
    out = io.StringIO()
    call_command("data_inventory", stdout=out)
    text = out.getvalue()
    assert "members.Member\tcitizen_id\tsố định danh cá nhân (CCCD)\tdữ liệu cá nhân nhạy cảm\t3" in text
    assert "workdays.CalendarDay" not in text  # no personal data, left out unless --all
