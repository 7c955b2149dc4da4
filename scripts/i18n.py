#!/usr/bin/env python
"""Translation upkeep. Source strings are Dutch; `nl` mirrors them, `en` is translated by hand.

python scripts/i18n.py update   # makemessages for nl and en, fill nl, compile
python scripts/i18n.py check    # fails when an `en` entry is missing, fuzzy or empty
"""

from __future__ import annotations

import subprocess  # noqa: S404 - runs Django's own management command
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [".venv", "tests", "benchmarks", "staticfiles", "var", "node_modules"]


def makemessages() -> None:
    args = [sys.executable, "manage.py", "makemessages", "-l", "nl", "-l", "en", "--no-obsolete", "-v0"]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    subprocess.run(args, cwd=ROOT, check=True)  # noqa: S603


def po(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


def fill_dutch() -> None:
    catalogue = po("nl")
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()


def missing(lang: str) -> list[str]:
    catalogue = po(lang)
    return [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    makemessages()
    fill_dutch()
    if command == "update":
        subprocess.run(
            [sys.executable, "manage.py", "compilemessages", "-v0", "--ignore", ".venv"], cwd=ROOT, check=True
        )  # noqa: S603
    gaps = missing("en")
    for msgid in gaps:
        print(f"untranslated (en): {msgid!r}")
    if command == "check" and gaps:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
