"""SEC-34: kill -9 in the middle of an approval or a report issue leaves the state before or the state after,
never anything between.

The import has its own test (tests/imports/test_kill.py); these reuse its pattern — real processes on a
database file of their own — and make the "random points" exact: a child process counts every SQL
statement the operation sends (plus the COMMIT and the moment right after it) and SIGKILLs itself at
the N-th one, N drawn at random (seed printed on failure) from the points inside the transaction, plus
the COMMIT and after-COMMIT points every time. After each kill the database file is checked with plain
sqlite3 (no Django, no recovery help): integrity check, then either byte-for-byte the content from
before, or exactly the row counts of a completed run with the audit chain verifying.

Operations: the admission ceremony of a candidate (``candidate_record_step(kind="ceremony")``: the
approved candidate becomes a probationary member — member, ledger event, values, spells, step and audit
rows in one transaction) and a report issue (``report_issue``: numbered, frozen report and its audit row).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 5  # random in-transaction points per operation, on top of COMMIT and after-COMMIT

SETUP = r"""
import django
django.setup()
from datetime import date
from dangvu.accounts.models import User
from dangvu.organisations.services import Decision, organisation_found
from dangvu.members.models import EventKind
from dangvu.members.services import member_admit, member_record_event
from tests.development.conftest import Path, Walker

admin = User.objects.create_user("quan_tri", password="x", is_superuser=True)
def found(code, org_type, parent):
    return organisation_found(actor=admin, code=code, name=f"Tổ chức {code}", org_type=org_type, parent=parent,
                              founded_on=date(2015, 1, 1), decision=Decision(f"{code}-QĐ", date(2015, 1, 1), "BTV"))
du = found("DU", "superior_committee", None)
b1 = found("B1", "base_party_committee", du)
c1 = found("C1", "subordinate_cell", b1)
officials = []
for n, name in enumerate(["Nguyễn Văn Giới", "Trần Thị Thiệu", "Lê Văn Ba", "Phạm Thị Tư"], 1):
    member = member_admit(actor=admin, profile={"full_name": name, "gender": "male", "date_of_birth": date(1985, 1, n),
                                                "citizen_id": f"0790850000{n:02d}"},
                          organisation=c1, decision=Decision(f"{n}-QĐ/ĐU", date(2019, 1, 2), "BTV"),
                          admitted_on=date(2019, 1, 2), ceremony_date=date(2019, 1, 2))
    member_record_event(actor=admin, member=member, kind=EventKind.RECOGNITION, effective_date=date(2020, 1, 2),
                        decision=Decision(f"R{n}-QĐ/ĐU", date(2020, 1, 2), "BTV"))
    officials.append(member)
walker = Walker(admin, officials[:2])
candidate = walker.candidate(c1, name="Phạm Thị Hoa")
walker.walk(candidate, "decision")
print(candidate.pk)
"""

CHILD = r"""
import json, os, signal, django
django.setup()
from django.db import connection

KILL_AT = int(os.environ["KILL_AT"])
points = []

def hook(label):
    points.append(connection.in_atomic_block)
    if len(points) == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)

def wrapper(execute, sql, params, many, context):
    hook(sql)
    return execute(sql, params, many, context)

connection.ensure_connection()
original_commit = connection._commit
def _commit():
    hook("COMMIT")
    result = original_commit()
    hook("AFTER COMMIT")
    return result
connection._commit = _commit

def operation():
    from datetime import date
    from dangvu.accounts.models import User
    actor = User.objects.get(username="quan_tri")
    if os.environ["OPERATION"] == "ceremony":
        from dangvu.development.models import Candidate
        from tests.development.conftest import Walker
        candidate = Candidate.objects.get(full_name="Phạm Thị Hoa")
        Walker(actor, []).step(candidate, "ceremony", date(2023, 5, 5))
    else:
        from dangvu.organisations.models import Organisation
        from dangvu.reports.engine import compute
        from dangvu.reports.services import report_issue
        report_issue(actor=actor, report=compute(Organisation.objects.get(code="B1"), date(2023, 1, 1),
                                                 date(2023, 12, 31)), place="TP. Hồ Chí Minh")

with connection.execute_wrapper(wrapper):
    operation()
print(json.dumps({"points": len(points), "in_transaction": [i + 1 for i, inside in enumerate(points) if inside]}))
"""

VERIFY = r"""
import django
django.setup()
from dangvu.audit.services import audit_verify_chain
print(len(audit_verify_chain()))
"""


def _env(database: Path, folder: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "dangvu.test_settings", "DANGVU_DATA_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{database}"}


def _run(database: Path, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**_env(database, folder), **env},
                          capture_output=True, text=True, timeout=600)


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _tables(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                                         "'sqlite_%' ORDER BY name")]


def _state(database: Path) -> tuple[dict[str, int], str]:
    """(row count per table, checksum of every row of every table), read with plain sqlite3."""
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts, digest = {}, hashlib.sha256()
        for table in _tables(db):
            rows = db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            counts[table] = len(rows)
            digest.update(table.encode() + repr(rows).encode())
    return counts, digest.hexdigest()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("crash")
    database = folder / "base.sqlite3"
    migrated = _run(database, folder, "manage.py", "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    setup = _run(database, folder, "-c", SETUP)
    assert setup.returncode == 0, setup.stderr[-3000:]
    return database, folder


@pytest.mark.parametrize("operation", ["ceremony", "report"])
def test_sec_34_kill_9_at_random_points_leaves_before_or_after(prepared, tmp_path, operation):
    """SEC-34: kill -9 (SIGKILL) at random statements of an approval / a report issue: before or after."""
    base, folder = prepared
    before_counts, before_sum = _state(base)

    # A full run on a copy: the "after" state and the statement points of the operation.
    complete = tmp_path / "complete.sqlite3"
    _copy(base, complete)
    full = _run(complete, folder, "-c", CHILD, KILL_AT="0", OPERATION=operation)
    assert full.returncode == 0, full.stderr[-3000:]
    trace = json.loads(full.stdout.strip().splitlines()[-1])
    after_counts, _ = _state(complete)
    assert after_counts != before_counts, "the operation wrote nothing: the test would prove nothing"
    in_transaction = trace["in_transaction"]
    commit_point = in_transaction[-1] + 1 if in_transaction else trace["points"] - 1
    assert len(in_transaction) >= 3, trace

    seed = int(os.environ.get("CRASH_SEED", random.SystemRandom().randrange(10**6)))
    chosen = sorted(set(random.Random(seed).sample(in_transaction, min(TRIALS, len(in_transaction)))))
    points = [*chosen, commit_point, commit_point + 1]
    outcomes = {}
    for point in points:
        trial = tmp_path / f"kill-{point}.sqlite3"
        _copy(base, trial)
        killed = _run(trial, folder, "-c", CHILD, KILL_AT=str(point), OPERATION=operation)
        assert killed.returncode == -signal.SIGKILL, f"seed {seed} point {point}: {killed.stderr[-2000:]}"
        counts, checksum = _state(trial)
        if checksum == before_sum:
            outcomes[point] = "before"
            continue
        assert counts == after_counts, (
            f"seed {seed}: killed at statement {point} of {trace['points']}: neither before nor after: "
            f"{ {t: (before_counts.get(t), counts[t], after_counts[t]) for t in counts if counts[t] != after_counts[t]} }")
        verified = _run(trial, folder, "-c", VERIFY)
        assert verified.stdout.strip() == "0", f"seed {seed} point {point}: audit chain broken"
        outcomes[point] = "after"
    # Killing before COMMIT loses everything, killing right after it keeps everything.
    assert outcomes[commit_point] == "before" and outcomes[commit_point + 1] == "after", (seed, outcomes)
    assert all(outcomes[p] == "before" for p in chosen), (seed, outcomes)
