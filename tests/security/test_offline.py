"""SEC-05 / SEC-46: offline by construction — no outside host in code, templates or static files, and no
dependency outside the reviewed list."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"https?://[^\s\"'<>)]+")
SCANNED = (".py", ".html", ".js", ".css", ".json", ".txt")
# XML namespace names look like URLs but are identifiers that nothing ever fetches (Clark notation
# ``{namespace}tag`` included: the closing brace is not part of the name).
NAMESPACES = {
    "http://www.w3.org/2000/svg",
    # Office Open XML (.xlsx read by the import reader).
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://schemas.openxmlformats.org/package/2006/relationships",
}

# Every package the lock file may contain. A new dependency is a reviewed decision (SEC-46: no AI,
# telemetry, error-tracking or other call-home library): add it here together with its reason in README.
REVIEWED_PACKAGES = {
    "argon2-cffi", "argon2-cffi-bindings", "asgiref", "cffi", "coverage", "dj-database-url", "django", "django-axes",
    "django-htmx", "et-xmlfile", "execnet", "greenlet", "iniconfig", "lxml", "openpyxl", "packaging", "playwright",
    "pluggy", "psycopg", "psycopg-binary", "pycparser", "pyee", "pygments", "pytest", "pytest-django",
    "pytest-socket", "pytest-xdist", "python-docx", "ruff", "sqlparse", "time-machine", "typing-extensions", "whitenoise",
}


def test_no_outside_host_in_the_package():
    offenders = []
    for path in (ROOT / "dangvu").rglob("*"):
        if path.suffix in SCANNED and path.is_file() and "LICENSE" not in path.name:
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                offenders += [f"{path.relative_to(ROOT)}:{number} {url}" for url in URL.findall(line)
                              if url.rstrip("}") not in NAMESPACES]
    assert not offenders, offenders


def test_locked_dependencies_are_the_reviewed_ones():
    locked = {line.split("==")[0].strip().lower() for line in (ROOT / "requirements.lock").read_text().splitlines()
              if "==" in line and not line.startswith((" ", "#"))}
    assert locked - REVIEWED_PACKAGES == set(), f"unreviewed dependencies: {sorted(locked - REVIEWED_PACKAGES)}"


def test_templates_load_assets_only_from_the_instance():
    base = (ROOT / "dangvu/web/templates/base.html").read_text(encoding="utf-8")
    assert "{% static 'dangvu/vendor/htmx.min.js' %}" in base
    assert (ROOT / "dangvu/web/static/dangvu/vendor/htmx.min.js").stat().st_size > 10_000
