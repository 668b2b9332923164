#!/usr/bin/env bash
# SEC-32: backup → drop → restore on the demo data must give back identical tables and a valid audit chain.
# Usage: bash scripts/backup-roundtrip.sh   (needs PostgreSQL on 127.0.0.1:5432, user postgres)
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
DB=dangvu_backup_roundtrip
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}" DEBUG=true DEPLOYMENT_PROFILE=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 48 /dev/urandom | base64 > "$work/key"

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS ${DB}" -c "CREATE DATABASE ${DB}"
.venv/bin/dangvu migrate --noinput -v 0
.venv/bin/dangvu demo_load > /dev/null
# The backup and the restore each write an audit row of their own: compare the audit rows up to now.
last=$(psql -h 127.0.0.1 -U postgres -d "${DB}" -tAc "select coalesce(max(id),0) from audit_auditentry")
.venv/bin/dangvu db_checksum --audit-upto "$last" --exclude django_session > "$work/before.txt"
.venv/bin/dangvu backup --out "$work/dangvu.backup" --key-file "$work/key"
if pg_restore -l "$work/dangvu.backup" >/dev/null 2>&1; then
  echo "FAIL: the backup is a plain dump, readable without its key" >&2; exit 1
fi
if openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass pass:wrong-key -in "$work/dangvu.backup" \
     -out "$work/wrong-key" 2>/dev/null && pg_restore -l "$work/wrong-key" >/dev/null 2>&1; then
  echo "FAIL: the backup is readable with a wrong key" >&2; exit 1
fi
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE ${DB}" -c "CREATE DATABASE ${DB}"
.venv/bin/dangvu restore --in "$work/dangvu.backup" --key-file "$work/key"
.venv/bin/dangvu db_checksum --audit-upto "$last" --exclude django_session > "$work/after.txt"
diff -u "$work/before.txt" "$work/after.txt"
.venv/bin/dangvu verify-audit
echo "Backup round trip: $(wc -l < "$work/after.txt") tables identical after drop and restore; audit chain intact."
