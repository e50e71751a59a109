#!/usr/bin/env python3
"""Chạy bản minh họa giamsat / run the giamsat demo.

    python3 scripts/demo.py                 # http://127.0.0.1:8000
    python3 scripts/demo.py --port 8001     # other arguments go to `giamsat demo`
    python3 scripts/demo.py --no-serve      # only set up the database and the demo data

Creates .venv in the repository when missing and installs giamsat into it (again only when pyproject.toml changes),
then runs `giamsat demo` from the repository root: the SQLite database, the generated keys and the demo password go
to ./var. Running it again keeps the same data. Standard library only.
"""

import os
import subprocess
import sys

from _bootstrap import ROOT, WINDOWS, ensure_venv, say, tool


def main() -> int:
    if any(arg in {"-h", "--help"} for arg in sys.argv[1:]):
        print(__doc__)
        return 0
    ensure_venv()
    command = [str(tool("giamsat")), "demo", *sys.argv[1:]]
    say("Đang chuẩn bị cơ sở dữ liệu và dữ liệu minh họa… / preparing the database and the demo data…")
    os.chdir(ROOT)
    sys.stdout.flush()
    sys.stderr.flush()
    if not WINDOWS:
        # Replace this process: Ctrl+C and signals reach the server directly.
        os.execv(command[0], command)  # noqa: S606 - our venv's console script
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return process.wait()


if __name__ == "__main__":
    sys.exit(main())
