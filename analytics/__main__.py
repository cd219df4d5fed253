"""The command line: python -m analytics <command> (a stable contract, SPEC section 7).

Exit codes: 0 done, 1 blocked (an import with errors), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics import dates, store


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="dataset folder (default: $AMD_DATA_DIR or data/store)",
    )
    parser = argparse.ArgumentParser(prog="python -m analytics", parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser(
        "import", parents=[common], help="check and commit CSV exports"
    )
    imp.add_argument("files", nargs="+", type=Path)
    imp.add_argument(
        "--table", help="the table of every file (default: from its headers)"
    )
    imp.add_argument("--check", action="store_true", help="check only, commit nothing")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="TABLE.COLUMN=HEADER",
        help="read HEADER as COLUMN of TABLE (repeatable)",
    )
    imp.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="when only row-level errors block, commit without those rows",
    )
    imp.add_argument(
        "--problems", type=Path, metavar="FILE.csv", help="write every problem here"
    )

    exp = commands.add_parser(
        "export", parents=[common], help="write the reports as CSV"
    )
    exp.add_argument("--as-of", type=dates.parse_date)
    exp.add_argument("--out", type=Path, required=True)

    dig = commands.add_parser(
        "digest", parents=[common], help="the daily dashboard as HTML"
    )
    dig.add_argument("--as-of", type=dates.parse_date)
    dig.add_argument("--out", type=Path, required=True)

    clear = commands.add_parser(
        "clear", parents=[common], help="empty one optional table as a new version"
    )
    clear.add_argument(
        "table", choices=["account_plans", "contacts", "quotas", "users"]
    )

    demo = commands.add_parser(
        "demo", parents=[common], help="write a seeded synthetic dataset"
    )
    demo.add_argument("--partners", type=int, default=300)
    demo.add_argument("--clients", type=int, default=6000)
    demo.add_argument("--activities", type=int, help="default: 3 per client")
    demo.add_argument("--as-of", type=dates.parse_date, help="default: today")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--out", type=Path, required=True)
    return parser


def _print_progress(stage: str, name: str, rows: int, seconds: float) -> None:
    """A progress line on stderr for a step that took about a second or more."""
    if seconds >= 1:
        print(f"{stage} {name}: {rows:,} rows, {seconds:.1f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    directory = store.data_dir(getattr(args, "data_dir", None))

    if args.command == "import":
        from analytics import ingest

        missing = [str(f) for f in args.files if not f.is_file()]
        if missing:
            print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
            return 2
        if args.table and args.table not in store.TABLES:
            print(
                f"error: --table must be one of {', '.join(store.TABLES)}",
                file=sys.stderr,
            )
            return 2
        try:
            result = ingest.import_paths(
                directory,
                args.files,
                table=args.table,
                commit=not args.check,
                maps=args.map,
                skip_bad_rows=args.skip_bad_rows,
                progress=_print_progress,
            )
        except ingest.BadMapping as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(result.report.format_text())
        if args.problems:
            result.report.write_problems(args.problems)
        if result.upload is not None:
            for archived in result.upload.files:
                if archived.table.endswith(".rejected"):
                    folder = directory / "archive" / result.upload.version
                    path = folder / f"{archived.table}__{archived.name}"
                    print(f"rows left out: {path}")
            return 0
        return 0 if result.report.ok and args.check else 1

    if args.command == "clear":
        from analytics.ingest import dataset

        try:
            upload = dataset.clear_table(directory, args.table)
        except store.StoreError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"cleared {args.table}: version {upload.version}")
        return 0

    if args.command == "demo":
        from analytics import demo

        written = demo.write_demo(
            args.out,
            partners=args.partners,
            clients=args.clients,
            activities=args.activities,
            as_of=args.as_of,
            seed=args.seed,
        )
        for path in written:
            print(path)
        return 0

    from analytics import bootstrap

    bootstrap.ensure_dataset(directory)
    with store.connect(directory) as con:
        as_of = args.as_of or dates.default_as_of(store.latest_date(con))
        if args.command == "export":
            from analytics import export

            for path in export.write_exports(con, as_of, args.out):
                print(path)
        else:
            from analytics import digest

            print(digest.write_digest(con, as_of, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
