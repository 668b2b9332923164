"""Encrypted logical backups and restores (SEC-32/33).

PostgreSQL: ``pg_dump -Fc`` piped through ``openssl enc -aes-256-cbc -pbkdf2``; restore is the reverse
with ``pg_restore``. SQLite: the online backup API, encrypted the same way. The key lives in a file kept
apart from the backups; without it the file is unreadable. Every backup and restore is audited.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from dangvu.audit.models import AuditAction
from dangvu.audit.services import audit_record


class BackupError(RuntimeError):
    pass


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    return env, args


def _openssl(mode: str, key_file: Path, source: Path, target: Path) -> None:
    command = ["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-iter", "200000", "-salt", "-pass", f"file:{key_file}",
               "-in", str(source), "-out", str(target)]
    if mode == "decrypt":
        command.insert(2, "-d")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError("Không giải mã được tệp sao lưu: sai khóa hoặc tệp hỏng." if mode == "decrypt"
                          else f"Không mã hóa được bản sao lưu: {result.stderr.strip()}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(*, actor, out: Path, key_file: Path) -> str:
    """Write an encrypted backup to ``out``; return its SHA-256."""
    if not key_file.is_file():
        raise BackupError(f"Không thấy tệp khóa {key_file}.")
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "dump"
        if connection.vendor == "postgresql":
            env, args = _pg_env()
            result = subprocess.run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(plain),
                                     settings.DATABASES["default"]["NAME"]], capture_output=True, text=True, env=env)
            if result.returncode != 0:
                raise BackupError(f"pg_dump lỗi: {result.stderr.strip()}")
        else:
            connection.ensure_connection()
            with sqlite3.connect(plain) as target:
                connection.connection.backup(target)
        _openssl("encrypt", key_file, plain, out)
    digest = sha256(out)
    audit_record(actor=actor, action=AuditAction.EXPORT, event_type="backup", target_type="backup",
                 target_repr=out.name, new={"file": str(out), "sha256": digest, "vendor": connection.vendor})
    return digest


def backup_restore(*, actor, source: Path, key_file: Path) -> None:
    """Replace the current database's content with the backup's."""
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "dump"
        _openssl("decrypt", key_file, source, plain)
        if connection.vendor == "postgresql":
            env, args = _pg_env()
            connection.close()
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                     *args, "-d", settings.DATABASES["default"]["NAME"], str(plain)],
                                    capture_output=True, text=True, env=env)
            if result.returncode != 0:
                raise BackupError(f"pg_restore lỗi: {result.stderr.strip()}")
        else:
            connection.close()
            shutil.copyfile(plain, settings.DATABASES["default"]["NAME"])
    audit_record(actor=actor, action=AuditAction.UPDATE, event_type="restore", target_type="backup",
                 target_repr=source.name, new={"file": str(source), "sha256": sha256(source)})
