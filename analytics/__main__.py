"""The command line: python -m analytics <command> (a stable contract, SPEC section 7).

Exit codes: 0 done, 1 blocked (an import with errors), 2 bad usage, 3 the disk is
full (nothing changed; the temporary files are removed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
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


# The as-of dates the CLI takes: the reports reach a year or so either side of it,
# which stays within Python's dates (9999-12-31 raised OverflowError).
AS_OF_RANGE = (dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def as_of_date(text: str) -> dt.date:
    """An `--as-of` date: `YYYY-MM-DD` within AS_OF_RANGE."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(
            f"use YYYY-MM-DD, e.g. 2024-12-31 (not {text!r})"
        )
    try:
        day = dates.parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is not a date") from None
    first, last = AS_OF_RANGE
    if not first <= day <= last:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range: use a date from {first} to {last}"
        )
    return day


EXIT_CODES = """exit codes:
  0  done (committed, or checked with --check)
  1  blocked: the import has errors, nothing changed
  2  bad usage (unknown option, missing file)
  3  the disk is full: nothing changed, the temporary files are removed"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="dataset folder (default: $AMD_DATA_DIR or data/store)",
    )
    parser = argparse.ArgumentParser(
        prog="python -m analytics",
        parents=[common],
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="check and commit CSV exports",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    exp.add_argument("--as-of", type=as_of_date, metavar="YYYY-MM-DD")
    exp.add_argument("--out", type=Path, required=True)

    dig = commands.add_parser(
        "digest", parents=[common], help="the daily dashboard as HTML, or mailed"
    )
    dig.add_argument("--as-of", type=as_of_date, metavar="YYYY-MM-DD")
    dig.add_argument("--out", type=Path, help="FILE.html (required without --send)")
    dig.add_argument("--am", help="one account manager's book")
    dig.add_argument(
        "--send",
        action="store_true",
        help="mail each AM their book and each manager the team's (SMTP settings: "
        "AMD_SMTP_HOST, _PORT, _SENDER, _USER, _PASSWORD, _STARTTLS or --config)",
    )
    dig.add_argument("--app-url", help="the app's address for links ($AMD_APP_URL)")
    dig.add_argument("--config", type=Path, help="settings file (TOML; $AMD_CONFIG)")

    pack = commands.add_parser(
        "pack", parents=[common], help="a QBR pack (partner) or 1:1 pack (AM)"
    )
    who = pack.add_mutually_exclusive_group(required=True)
    who.add_argument("--partner", help="partner id: a QBR pack")
    who.add_argument("--am", help="account manager: a 1:1 pack")
    pack.add_argument("--as-of", type=as_of_date, metavar="YYYY-MM-DD")
    pack.add_argument("--out", type=Path, required=True, help="FILE.pptx or FILE.pdf")

    demo = commands.add_parser(
        "demo", parents=[common], help="write a seeded synthetic dataset"
    )
    demo.add_argument("--partners", type=positive_int, default=300)
    demo.add_argument("--clients", type=positive_int, default=6000)
    demo.add_argument("--activities", type=positive_int, help="default: 3 per client")
    demo.add_argument(
        "--as-of", type=as_of_date, metavar="YYYY-MM-DD", help="default: today"
    )
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


def _print_progress(stage: str, name: str, rows: int, seconds: float) -> None:
    """A progress line on stderr for a step that took about a second or more."""
    if seconds >= 1:
        print(f"{stage} {name}: {rows:,} rows, {seconds:.1f} s", file=sys.stderr)


def usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def warn_empty_required(directory: Path, version: str) -> None:
    """A warning when the dataset's required tables are empty (the reports would
    have headers only)."""
    empty = versions.empty_required_tables(directory, version)
    if empty:
        names = " or ".join(filter(None, [", ".join(empty[:-1]), empty[-1]]))
        print(
            f"warning: the dataset has no {names} (required tables):"
            " the reports have headers only; import them first",
            file=sys.stderr,
        )


def out_problem(command: str, out: Path) -> str | None:
    """Why --out cannot be written, if it cannot: `export` and `demo` write a folder
    of files (`digest` and `pack` one file: see _digest_or_pack)."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file; give a folder for the {command} files"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        data_dir = getattr(args, "data_dir", None)
        if data_dir is not None and not data_dir.strip():
            parser.error(
                "--data-dir is empty (an unset shell variable?): name a folder"
            )
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    directory = store.data_dir(data_dir)
    if args.command in ("digest", "pack"):
        return _digest_or_pack(args, directory)

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
        if any(p.code == "disk.full" for p in result.report.problems):
            return 3
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
    warn_empty_required(directory, version)
    with store.connect(directory) as con:
        as_of = args.as_of or dates.default_as_of(store.latest_date(con))
        if args.command == "export":
            from analytics import export

            for path in export.write_exports(con, as_of, args.out):
                print(path)
    return 0


OUT_SUFFIXES = {"digest": (".html", ".htm"), "pack": (".pptx", ".pdf")}


def _digest_or_pack(args: argparse.Namespace, directory: Path) -> int:
    """`digest` and `pack`: check the usage before reading anything, then write
    (or send). A folder with no dataset is an error that creates nothing."""
    if args.command == "digest" and args.out is None and not args.send:
        return usage_error("digest needs --out FILE.html, or --send")
    if args.out is not None and args.out.is_dir():
        return usage_error(f"--out {args.out} is a folder; give a file name")
    suffixes = OUT_SUFFIXES[args.command]
    if args.out is not None and args.out.suffix.lower() not in suffixes:
        return usage_error(
            f"--out {args.out} must end in {' or '.join(suffixes)} for {args.command}"
        )
    from analytics import bootstrap, partners

    try:
        version = bootstrap.require_dataset(directory)
    except bootstrap.NoDataset as error:
        return usage_error(str(error))
    warn_empty_required(directory, version)

    with store.connect(directory) as con:
        as_of = args.as_of or dates.default_as_of(store.latest_date(con))
        managers = partners.account_managers(con)
        if args.am is not None and args.am not in managers:
            return usage_error(
                f"no account manager named {args.am!r}; "
                f"the data has: {', '.join(managers) or 'none'}"
            )
        if args.command == "pack":
            return _pack(con, args, as_of)
        return _digest(con, args, as_of, managers)


def _digest(con, args: argparse.Namespace, as_of, managers: list[str]) -> int:
    from analytics import digest, mail

    try:
        config = mail.read_config(args.config)
        settings = mail.smtp_settings(config) if args.send else None
    except mail.ConfigError as error:
        return usage_error(str(error))
    base_url = digest.app_url(args.app_url, config)
    book = None if args.am is None else [args.am]
    if args.out is not None:
        print(digest.write_digest(con, as_of, args.out, book, base_url))
    if not args.send:
        return 0
    chosen = [
        r
        for r in mail.recipients(con, managers)
        if args.am is None or r.account_managers == (args.am,)
    ]
    if not chosen:
        return usage_error(
            "no one to send to: the users table names no active user with an email "
            + ("for that account manager" if args.am else "who owns partners")
        )
    messages = []
    for person in chosen:
        built = digest.build_digest(
            con,
            as_of,
            list(person.account_managers),
            base_url=base_url,
            book=person.book,
            embed="cid",
        )
        messages.append(mail.message(built, settings.sender, person.email))
    try:
        mail.send(messages, settings)
    except OSError as error:  # smtplib's errors are OSErrors
        print(f"error: could not send the digest: {error}", file=sys.stderr)
        return 1
    for person in chosen:
        print(f"sent to {person.name} <{person.email}>: {person.book}")
    return 0


def _pack(con, args: argparse.Namespace, as_of) -> int:
    from analytics import packs, partners

    if args.partner is not None:
        if partners.partner_info(con, args.partner) is None:
            return usage_error(f"no partner with id {args.partner!r} in the data")
        pack = packs.qbr_pack(con, args.partner, as_of)
    else:
        pack = packs.one_to_one_pack(con, args.am, as_of)
    print(packs.write_pack(pack, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
