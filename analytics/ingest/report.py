"""What an import found: problems, per-file reports, the upload's report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from analytics import store, versions
from analytics.ingest.lines import DELIMITER_NAMES, short

ERROR, WARNING = "error", "warning"
# Problems reported per column and rule; the rest are summed in one line.
MAX_PER_RULE = 1000
# Characters of a value quoted in a problem.
MAX_VALUE_CHARS = 200
# Problems the printed report lists after its summary; rows a summary line names.
MAX_LISTED = 50
SUMMARY_ROWS = 5


@dataclass
class Problem:
    """One finding; `row` as in the user's file (header = row 1), `column` the
    file's header text. `count` > 1 sums rows left out of the report. `code` names
    the rule (see rules.CODES), stable across wording changes."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: str  # "error" | "warning"
    count: int = 1
    code: str = ""


@dataclass
class Summary:
    """Problems of one file, severity, rule (code) and column, counted."""

    file: str
    severity: str
    code: str
    column: str | None
    count: int = 0
    rows: list[int] = field(default_factory=list)  # the first SUMMARY_ROWS


@dataclass
class FileReport:
    """What was found in one file."""

    file: str
    table: str | None = None
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)  # header -> canonical
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)  # header -> form
    footer_lines: int = 0
    # The Salesforce object the file holds, when its ids or columns tell.
    salesforce_object: str | None = None
    rejected_rows: int = 0  # left out by a partial import
    # header -> canonical column, from a mapping remembered on the Data page
    remembered: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


@dataclass
class ImportReport:
    """Every file's report and all problems, errors first."""

    files: list[FileReport]
    problems: list[Problem]
    version: str | None = None  # set when the upload was committed
    check_only: bool = True
    partial: bool = False  # committed (or to be) without its rows with errors
    cleared: list[str] = field(default_factory=list)  # emptied by the commit
    base_version: str | None = None  # the dataset version the checks were against

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def error_count(self) -> int:
        return sum(p.count for p in self.problems if p.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(p.count for p in self.problems if p.severity == WARNING)

    def format_text(self, listed: int = MAX_LISTED) -> str:
        """The report as the CLI prints it: each file, the summary (one line per
        file, rule and column), then the first `listed` problems."""
        lines = []
        for report in self.files:
            lines.extend(_format_file(report))
        if self.problems:
            lines.append("summary:")
            lines.extend(f"  {_format_summary(s)}" for s in self.summary())
            lines.append("problems:")
            lines.extend(f"  {_format_problem(p)}" for p in self.problems[:listed])
            if len(self.problems) > listed:
                rest = len(self.problems) - listed
                lines.append(f"  ... {rest} more (the full list: --problems FILE.csv)")
        lines.append(self.outcome())
        return "\n".join(lines)

    def summary(self) -> list[Summary]:
        """One line per file, severity, rule and column: how many rows, and the
        first rows, in the order the problems come (errors first)."""
        found: dict[tuple, Summary] = {}
        for p in self.problems:
            key = (p.file, p.severity, p.code, p.column)
            line = found.setdefault(key, Summary(*key))
            line.count += p.count
            if p.row is not None and len(line.rows) < SUMMARY_ROWS:
                line.rows.append(p.row)
        return list(found.values())

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a table (for display)."""
        return pd.DataFrame(
            [
                (s.severity, s.file, s.code, s.column, s.count, _rows_text(s.rows))
                for s in self.summary()
            ],
            columns=["severity", "file", "code", "column", "count", "first_rows"],
        )

    def write_problems(self, path) -> None:
        """Every problem as CSV (UTF-8 with a BOM, for Excel)."""
        self.problems_frame().to_csv(path, index=False, encoding="utf-8-sig")

    def outcome(self) -> str:
        """The last line: committed (the version by its name, versions.version_name),
        blocked or checked."""
        if self.version:
            name = versions.version_name(self.version)
            if self.partial:
                left_out = sum(f.rejected_rows for f in self.files)
                return (
                    f"committed as version {name} without {_count(left_out, 'row')}"
                    " with errors (left out, archived with a reason)"
                )
            return f"committed as version {name}"
        errors = _count(self.error_count, "error")
        if not self.check_only and not self.ok:
            return f"blocked: {errors}, nothing changed"
        return f"checked: {errors}, {_count(self.warning_count, 'warning')}"

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (for display and download)."""
        frame = pd.DataFrame(
            [
                (p.severity, p.code, p.file, p.row, p.column, p.value, p.reason)
                for p in self.problems
            ],
            columns=["severity", "code", "file", "row", "column", "value", "reason"],
        )
        frame["row"] = frame["row"].astype("Int64")
        return frame


@dataclass
class ImportResult:
    report: ImportReport
    upload: store.Upload | None
    # the typed rows of the files without errors (of the new version once
    # committed), each read as Arrow only when asked for
    tables: Mapping[str, pa.Table]
    # a partial import's left-out rows: file name -> CSV with a `reason` column
    rejected: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0  # the commit's duration


def _format_file(report: FileReport) -> list[str]:
    table = report.table or "(not recognised)"
    lines = [
        f"{report.file}: table {table}, {report.rows} rows, encoding {report.encoding},"
        f" delimiter {DELIMITER_NAMES.get(report.delimiter, report.delimiter)}"
    ]
    if report.mapping:
        pairs = ", ".join(f"{h} -> {c}" for h, c in report.mapping.items())
        lines.append(f"  columns: {pairs}")
    if report.remembered:
        pairs = ", ".join(f"{h} -> {c}" for h, c in report.remembered.items())
        lines.append(f"  remembered mapping (Data page): {pairs}")
    if report.ignored:
        lines.append(f"  ignored: {', '.join(report.ignored)}")
    if report.rejected_rows:
        lines.append(f"  rows left out (with errors): {report.rejected_rows}")
    if report.missing:
        lines.append(f"  missing: {', '.join(report.missing)}")
    if report.date_formats:
        forms = ", ".join(f"{h}: {f}" for h, f in report.date_formats.items())
        lines.append(f"  date formats: {forms}")
    if report.footer_lines:
        lines.append(f"  footer lines removed: {report.footer_lines}")
    return lines


def _count(n: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows))


def _format_summary(line: Summary) -> str:
    where = line.file + (f" {line.column}" if line.column else "")
    noun = line.severity + ("" if line.count == 1 else "s")
    first = f", first rows {_rows_text(line.rows)}" if line.rows else ""
    return f"{where}: {line.count} {noun} ({line.code}){first}"


def _format_problem(problem: Problem) -> str:
    where = problem.file if problem.row is None else f"{problem.file}:{problem.row}"
    if problem.column is not None:
        shown = "" if problem.value is None else f"={short(problem.value)}"
        where += f" {problem.column}{shown}"
    if not where:  # about the whole upload (no file)
        return f"{problem.severity}: {problem.reason}"
    return f"{problem.severity}: {where}: {problem.reason}"


def clip(value: str) -> str:
    """A value as a problem quotes it: at most MAX_VALUE_CHARS characters (a 1 MB
    cell would otherwise be repeated whole in the report)."""
    if len(value) <= MAX_VALUE_CHARS:
        return value
    return value[: MAX_VALUE_CHARS - 3] + "..."
