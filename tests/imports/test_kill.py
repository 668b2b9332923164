"""Killing the import process (SIGKILL) in the middle of a commit leaves the database as before.

Runs in real processes on a database file of its own (the suite's SQLite database lives in memory),
so it holds on both engines' code paths: the commit is one transaction, nothing is visible or kept
until it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.imports.conftest import HEADERS, member_row, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import django, os
django.setup()
from datetime import date
from dangvu.accounts.models import User
from dangvu.organisations.services import Decision, organisation_found
admin = User.objects.create_user("quan_tri", password="x", is_superuser=True)
du = organisation_found(actor=admin, code="DU", name="Đảng bộ", org_type="superior_committee", parent=None,
                        founded_on=date(2015, 1, 1), decision=Decision("1", date(2015, 1, 1), "BTV"))
organisation_found(actor=admin, code="C1", name="Chi bộ 1", org_type="base_cell", parent=du,
                   founded_on=date(2015, 1, 1), decision=Decision("2", date(2015, 1, 1), "BTV"))
"""

COUNT = """
import django
django.setup()
from dangvu.members.models import Member, LedgerEvent, MemberValue
from dangvu.audit.models import AuditEntry
from dangvu.imports.models import ImportRow
print(Member.objects.count(), LedgerEvent.objects.count(), MemberValue.objects.count(), AuditEntry.objects.count(),
      ImportRow.objects.count())
"""


def test_kill_during_commit_leaves_database_as_before(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dangvu.test_settings", "DANGVU_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.sqlite3'}"}

    def run(*args, **kw):
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300, **kw)

    assert run("manage.py", "migrate", "-v0").returncode == 0
    assert run("-c", SETUP).returncode == 0
    before = run("-c", COUNT).stdout
    rows = [member_row(n, org="C1", official="") for n in range(1, 3001)]
    data = tmp_path / "lon.xlsx"
    data.write_bytes(xlsx_bytes(rows, HEADERS))
    process = subprocess.Popen([sys.executable, "manage.py", "import", "members", str(data), "--user", "quan_tri"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    progress = tmp_path / "imports"
    deadline = time.monotonic() + 120
    killed_at = None
    while time.monotonic() < deadline and process.poll() is None:
        files = list(progress.glob("progress-*.json")) if progress.exists() else []
        if files:
            import json

            state = json.loads(files[0].read_text() or "{}")
            if state.get("phase") == "write" and state.get("done", 0) >= 200:
                killed_at = state["done"]
                os.kill(process.pid, signal.SIGKILL)
                break
        time.sleep(0.05)
    process.wait(timeout=30)
    assert killed_at, "the import never reached the write phase"
    assert process.returncode == -signal.SIGKILL
    assert run("-c", COUNT).stdout == before
    # The batch is left "running" with a dead worker: the page reports it was interrupted.
    check = run("-c", "import django; django.setup()\nfrom dangvu.imports.models import ImportBatch\n"
                      "from dangvu.imports.services import batch_state\nb = ImportBatch.objects.get()\n"
                      "print(b.status, batch_state(b)['alive'])")
    assert check.stdout.split() == ["running", "False"]
