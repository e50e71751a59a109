"""The `giamsat` command.

giamsat demo [--no-serve] [--host H] [--port P]   set up the database, load the demo, serve it
giamsat serve [--host H] [--port P]               serve the application (waitress; static files included)
giamsat units import [--dir D]                    load the official unit lists (idempotent)
giamsat <django command> ...                      any Django management command, e.g. migrate, createsuperuser
"""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamsat.settings")
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def serve(host: str, port: int) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    call_command = _django()
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    from giamsat.wsgi import application

    print(f"giamsat: http://{host}:{port}/  (Ctrl+C để dừng / to stop)", flush=True)
    waitress_serve(application, host=host, port=port, threads=8, ident="giamsat")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {"demo", "serve", "units"}
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    if argv[0] not in commands:
        from django.core.management import execute_from_command_line

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamsat.settings")
        execute_from_command_line(["giamsat", *argv])
        return

    parser = argparse.ArgumentParser(prog="giamsat")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("demo", "serve"):
        p = sub.add_parser(name)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        if name == "demo":
            p.add_argument("--no-serve", action="store_true", help="chỉ nạp dữ liệu, không chạy máy chủ")
    units = sub.add_parser("units").add_subparsers(dest="action", required=True)
    units.add_parser("import").add_argument("--dir", default=None)
    args = parser.parse_args(argv)
    if args.command == "demo" and not args.no_serve:
        # The demo's e-mails (printed to the console) link to the demo's own address.
        os.environ.setdefault("GIAMSAT_BASE_URL", f"http://{args.host}:{args.port}")

    call_command = _django()
    if args.command == "units":
        call_command("import_units", *(["--dir", args.dir] if args.dir else []))
    elif args.command == "demo":
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo")
        if not args.no_serve:
            serve(args.host, args.port)
    else:
        serve(args.host, args.port)


if __name__ == "__main__":
    main()
