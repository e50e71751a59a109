"""Shared by the generator and the measurements: which database, Django set-up, progress, timing."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_database(target: str) -> str:
    """Point Django at the benchmark database before it is set up: a PostgreSQL URL, or a directory that becomes
    GIAMSAT_HOME (its giamsat.sqlite3). Returns "postgresql" or "sqlite". Never the demo's or a real database:
    the caller names it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamsat.settings")
    os.environ.pop("GIAMSAT_PRODUCTION", None)
    if target.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = target
        # Keys (case data) and uploads of the benchmark live beside it, never in the project's ./var.
        base = Path(os.environ.get("BENCH_HOME") or Path(tempfile.gettempdir()) / "gs-bench")
        home = base / f"pg-{target.rsplit('/', 1)[-1]}"
        home.mkdir(parents=True, exist_ok=True)
        os.environ["GIAMSAT_HOME"] = str(home)
        return "postgresql"
    os.environ.pop("DATABASE_URL", None)
    Path(target).mkdir(parents=True, exist_ok=True)
    os.environ["GIAMSAT_HOME"] = str(Path(target).resolve())
    return "sqlite"


def setup(target: str) -> str:
    vendor = use_database(target)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return vendor


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Progress:
    """A line on stderr that counts up: "values  3,400,000 / 15,200,000  22%  41 s"."""

    def __init__(self, what: str, total: int):
        self.what, self.total, self.done = what, max(total, 1), 0
        self.started = self.shown = time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown >= 2 or self.done >= self.total:
            self.shown = now
            print(
                f"\r  {self.what:<10} {self.done:>12,} / {self.total:,}  {100 * self.done // self.total:>3}%  "
                f"{now - self.started:5.0f} s",
                end="" if self.done < self.total else "\n",
                file=sys.stderr,
                flush=True,
            )


def paired_times(calls: dict, runs: int, before: dict | None = None) -> dict[str, tuple[float, list[float]]]:
    """Median wall time of each call over `runs` rounds, after one warm-up round; each round runs every call once,
    in turn, so that a machine busy with something else slows them alike and the ratios stay fair. `before` may
    give a call an untimed preparation run before each of its runs."""
    before = before or {}
    for label, call in calls.items():
        before.get(label, lambda: None)()
        call()
    times: dict[str, list[float]] = {label: [] for label in calls}
    for index in range(runs):
        for label, call in calls.items():
            before.get(label, lambda: None)()
            started = time.perf_counter()
            call()
            times[label].append(time.perf_counter() - started)
        done = ", ".join(f"{label} {values[-1] * 1000:.1f} ms" for label, values in times.items())
        say(f"    round {index + 1}/{runs}: {done}")
    return {label: (statistics.median(values), values) for label, values in times.items()}
