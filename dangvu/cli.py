"""The ``dangvu`` command: the project's management commands (``dangvu --help``)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        argv = [argv[0], "help", "--commands"] if len(argv) == 1 else [argv[0], "help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
