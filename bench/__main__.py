"""python -m bench: the synthetic national data set and the benchmarks (docs/performance.md).

    python -m bench generate --db /tmp/gs-bench/sqlite-1 --scale 1
    python -m bench generate --db postgres://user:pw@127.0.0.1/gs_bench_1 --scale 1
    python -m bench run --db DB [--small-db DB10] [--runs 5] [--only matrix,cases,import,pages]

Run from the repository root with the project's virtual environment. `--db` is a directory (SQLite, it becomes
GIAMSAT_HOME) or a PostgreSQL URL; it must be a database made for the benchmark, never the demo's or a real one.
Each measurement runs in its own process, so its peak memory (max RSS) is its own.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ROOT, say, setup  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="fill a new database with the synthetic national data set")
    gen.add_argument("--db", required=True)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--cases", type=int, default=None, help="number of cases (default: one million × scale)")
    run = sub.add_parser("run", help="measure, printing a table and writing JSON")
    run.add_argument("--db", required=True)
    run.add_argument("--small-db", help="the same data set at scale 0.1, for the growth figure")
    run.add_argument("--runs", type=int, default=5)
    run.add_argument("--only", default="matrix,cases,import,pages")
    run.add_argument("--files", type=int, default=700, help="report spreadsheets to import")
    run.add_argument("--import-runs", type=int, default=3, help="runs of the import (each imports every file)")
    run.add_argument("--out", default=None, help="where to write the JSON results")
    one = sub.add_parser("measure", help=argparse.SUPPRESS)
    one.add_argument("--db", required=True)
    one.add_argument("--what", required=True)
    one.add_argument("--runs", type=int, default=5)
    one.add_argument("--files", type=int, default=700)
    one.add_argument("--import-runs", type=int, default=3)
    args = parser.parse_args(argv)

    if args.command == "generate":
        vendor = setup(args.db)
        from generate import generate

        cases = args.cases if args.cases is not None else int(1_000_000 * args.scale)
        summary = generate(vendor, args.scale, cases)
        print(json.dumps(summary, indent=2))
        return 0
    if args.command == "measure":
        vendor = setup(args.db)
        import measure

        result = measure.MEASUREMENTS[args.what](vendor, args)
        result["max_rss_mb"] = measure.max_rss_mb()
        print("RESULT " + json.dumps(result, default=str), flush=True)
        return 0
    return run_all(args)


def _child(db: str, what: str, args) -> dict:
    command = [sys.executable, "-m", "bench", "measure", "--db", db, "--what", what, "--runs", str(args.runs)]
    command += ["--files", str(args.files), "--import-runs", str(args.import_runs)]
    say(f"\n== {what} on {_label(db)}")
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    output, _err = process.communicate()
    if process.returncode != 0:
        say(f"   failed (exit {process.returncode})")
        return {"what": what, "error": process.returncode}
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _label(db: str) -> str:
    return "PostgreSQL" if db.startswith("postgres") else f"SQLite ({db})"


def run_all(args) -> int:
    import measure

    wanted = args.only.split(",")
    results = []
    for what in measure.ORDER:
        group = what.split("_")[0]
        if group not in wanted:
            continue
        results.append({"db": _label(args.db), **_child(args.db, what, args)})
        if group in ("matrix", "pages") and args.small_db:
            results.append({"db": _label(args.small_db), "small": True, **_child(args.small_db, what, args)})
    print(measure.table(results))
    out = Path(args.out or HERE / "results" / f"{'pg' if args.db.startswith('postgres') else 'sqlite'}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    say(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
