"""The command line: python -m analytics <command> (a stable contract, SPEC section 7).

Exit codes: 0 done, 1 blocked (an import with errors), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics import dates, store, versions


def positive_int(text: str) -> int:
    """An argument that counts something: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a whole number above 0, not {text!r}"
        ) from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a whole number above 0, not {value}")
    return value


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

    demo = commands.add_parser(
        "demo", parents=[common], help="write a seeded synthetic dataset"
    )
    demo.add_argument("--partners", type=positive_int, default=300)
    demo.add_argument("--clients", type=positive_int, default=6000)
    demo.add_argument("--activities", type=positive_int, help="default: 3 per client")
    demo.add_argument("--as-of", type=dates.parse_date, help="default: today")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--out", type=Path, required=True)

    clear = commands.add_parser(
        "clear",
        parents=[common],
        help="empty one optional table as a new version",
    )
    clear.add_argument(
        "table", help=f"one of {', '.join(sorted(versions.OPTIONAL_TABLES))} (or plans)"
    )
    return parser


def usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def out_problem(command: str, out: Path) -> str | None:
    """Why --out cannot be written, if it cannot: `export` and `demo` write a folder
    of files, `digest` one file."""
    if command == "digest":
        if out.is_dir():
            return f"--out {out} is a folder; give a file name such as digest.html"
    elif out.exists() and not out.is_dir():
        return f"--out {out} is a file; give a folder for the {command} files"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    directory = store.data_dir(getattr(args, "data_dir", None))

    if args.command == "import":
        from analytics import ingest

        folders = [str(f) for f in args.files if f.is_dir()]
        if folders:
            return usage_error(f"a folder, not a file: {', '.join(folders)}")
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
        result = ingest.import_paths(
            directory, args.files, table=args.table, commit=not args.check
        )
        print(result.report.format_text())
        return 0 if result.report.ok else 1

    problem = out_problem(args.command, args.out) if "out" in args else None
    if problem:
        return usage_error(problem)

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

    try:
        version = bootstrap.require_dataset(directory)
    except bootstrap.NoDataset as error:
        return usage_error(str(error))
    if args.command == "clear":
        try:
            table = versions.optional_table(args.table)
        except ValueError as error:
            return usage_error(str(error))
        cleared = versions.clear_table(directory, table)
        print(
            f"cleared {table}: dataset version {versions.version_name(cleared.version)}"
        )
        return 0
    empty = versions.empty_required_tables(directory, version)
    if empty:
        names = " or ".join(filter(None, [", ".join(empty[:-1]), empty[-1]]))
        print(
            f"warning: the dataset has no {names} (required tables):"
            " the reports have headers only; import them first",
            file=sys.stderr,
        )
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
