#!/usr/bin/env bash
# Run the whole test suite. The database comes from DATABASE_URL (default: SQLite);
# browser tests need Debian's chromium (/usr/bin/chromium) and are skipped without it, except in CI.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
export PYTHONDONTWRITEBYTECODE=1
# Tests run in parallel on every core (pytest-xdist; each worker has a test database of its own).
# Pass -n 0 to run them in one process (for example with --pdb).
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" "$@"
