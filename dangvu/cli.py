"""The ``dangvu`` command: the project's management commands (``dangvu --help``)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv = [argv[0], "help"]
    elif not argv[1].startswith("-"):
        # ``dangvu verify-audit`` runs the management command ``verify_audit``.
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
