"""House rules that keep the access layer and the audit trail from being bypassed."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parent.parent / "dangvu"
SCOPED_MODELS = {"Member", "LedgerEvent", "MembershipSpell", "MemberValue", "Organisation", "OrganisationEvent",
                 "AuditEntry", "Grant"}
# Presentation code: views, forms, exports, template tags.
PRESENTATION = [p for p in PACKAGE.rglob("*.py")
                if p.name in {"views.py", "forms.py", "exports.py"} or "templatetags" in p.parts]


def _direct_lookups(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Attribute) and node.attr == "objects"
                and isinstance(node.value, ast.Name) and node.value.id in SCOPED_MODELS):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.value.id}.objects")
    return found


def test_presentation_code_never_looks_up_scoped_models_directly():
    """SEC-02: views, forms and exports start from the access layer (dangvu/access/policies.py)."""
    offenders = [hit for path in PRESENTATION for hit in _direct_lookups(path)]
    assert not offenders, offenders


def test_the_lint_catches_a_direct_lookup(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    bad = tmp_path / "views.py"
    bad.write_text("def v(request, pk):\n    return Member.objects.get(pk=pk)\n")
    assert len(_direct_lookups(bad)) == 1


def _writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, node.func.value
        on_manager = isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        if name in {"save", "delete", "bulk_create", "bulk_update"} or (on_manager and name in {
                "create", "update", "get_or_create", "update_or_create"}):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} .{name}()")
    return found


def test_presentation_code_never_saves_models():
    """Writes go through services, which audit them; a raw .save() in a view is an unaudited edit."""
    offenders = [hit for path in PRESENTATION for hit in _writes(path)]
    assert not offenders, offenders


def test_the_write_lint_catches_a_raw_save(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    bad = tmp_path / "views.py"
    bad.write_text("def v(request, member):\n    member.save()\n    Post.objects.create(x=1)\n")
    assert len(_writes(bad)) == 2


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
