"""The import report on the Data page: per file how it was read, the problems,
what the commit will change against the current data, and the commit itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import audit, compare, ingest, schema, versions
from analytics.ingest import partial
from ui import auth, common
from ui.safe import md
from ui.upload_check import (
    Checked,
    Stages,
    Upload,
    mapping_selectboxes,
    remember_mappings,
    table_selectbox,
)
from ui.words import (
    column_label,
    plural,
    say_after_rerun,
    seconds_text,
    size_text,
    table_label,
    tables_text,
    text_columns,
    version_name,
)

UPLOADS_DONE = "data_uploads_done"
REJECTED = "data_rejected"  # file -> the rows a partial import left out (CSV)
# A change between the current clients and the upload's, as the users say it.
CHANGE_WORDS = {
    "added": "added",
    "removed": "missing",
    "churned": "newly churned",
    "repurposed": "newly repurposed",
    "moved": "moved",
}


def accepted_frame() -> pd.DataFrame:
    """One row per column of every table: required or not, and the headers taken
    for it (SPEC section 2)."""
    return pd.DataFrame(
        [
            {
                "table": table.label,
                "table_required": table.required,
                "column": column_label(table.name, column.name),
                "column_required": column.required,
                "also_accepted_as": ", ".join(column.aliases),
            }
            for table in schema.TABLES.values()
            for column in table.columns
        ]
    )


ACCEPTED_CONFIG = {
    **text_columns(table="File (table)", column="Column"),
    "table_required": st.column_config.CheckboxColumn("File required"),
    "column_required": st.column_config.CheckboxColumn("Column required"),
    "also_accepted_as": st.column_config.TextColumn("Also accepted as", width="large"),
}


def files_frame(report: ingest.ImportReport, upload: Upload) -> pd.DataFrame:
    """One row per file: what was read and how."""
    sizes = {name: len(content) for name, content in upload.files}
    rows = []
    for f in report.files:
        errors = sum(p.count for p in f.problems if p.severity == ingest.ERROR)
        warnings = sum(p.count for p in f.problems if p.severity == ingest.WARNING)
        rows.append(
            {
                "file": f.file,
                "size": size_text(sizes.get(f.file, 0)),
                "table": table_label(f.table) if f.table else "not recognised",
                "rows": f.rows,
                "encoding": f.encoding,
                "delimiter": ingest.DELIMITER_NAMES.get(f.delimiter, f.delimiter),
                "footer_lines": f.footer_lines,
                "ignored": len(f.ignored),
                "errors": errors,
                "warnings": warnings,
            }
        )
    return pd.DataFrame(rows)


def columns_frame(report_file: ingest.FileReport) -> pd.DataFrame:
    """One row per header of the file: the column it is read as (in the exports'
    words) or ignored, and the date format found for it (blank when none)."""
    rows = []
    for header, canonical in report_file.mapping.items():
        form = report_file.date_formats.get(header) or ""
        rows.append(
            {
                "file_header": header,
                "read_as": column_label(report_file.table, canonical),
                "date_format": form.replace(ingest.DEFAULT_LABEL, ""),
                "default_used": form.endswith(ingest.DEFAULT_LABEL) if form else False,
            }
        )
    for header in report_file.ignored:
        rows.append(
            {
                "file_header": header,
                "read_as": "(ignored)",
                "date_format": "",
                "default_used": False,
            }
        )
    return pd.DataFrame(
        rows, columns=["file_header", "read_as", "date_format", "default_used"]
    )


FILES_CONFIG = {
    **text_columns(
        file="File",
        size="Size",
        table="Table",
        encoding="Encoding",
        delimiter="Delimiter",
    ),
    "rows": st.column_config.NumberColumn("Rows read", format="localized"),
    "footer_lines": st.column_config.NumberColumn("Footer lines removed"),
    "ignored": st.column_config.NumberColumn("Ignored columns"),
    "errors": st.column_config.NumberColumn("Errors"),
    "warnings": st.column_config.NumberColumn("Warnings"),
}

COLUMNS_CONFIG = {
    **text_columns(
        file_header="File header", read_as="Read as", date_format="Date format"
    ),
    "default_used": st.column_config.CheckboxColumn(
        "Default used", help="The column could not tell day-first from month-first."
    ),
}

PROBLEMS_CONFIG = {
    **text_columns(severity="Severity"),
    "code": st.column_config.TextColumn(
        "Code", help="The rule that found it (SPEC section 3)."
    ),
    **text_columns(file="File"),
    "row": st.column_config.NumberColumn(
        "Row", help="As in your file: the header is row 1."
    ),
    **text_columns(column="Column", value="Value"),
    "reason": st.column_config.TextColumn("Reason", width="large"),
}


def show_files(report: ingest.ImportReport, upload: Upload) -> None:
    common.table(files_frame(report, upload), "import_files", FILES_CONFIG)


def file_sections(directory: Path, upload: Upload, checked: Checked) -> None:
    """Per file, an expander with its table (changeable), the column choices where
    required columns were not recognised, and how its headers were read."""
    for file_id, base_file, report_file in zip(
        upload.ids, checked.base.files, checked.report.files, strict=True
    ):
        label = table_label(base_file.table) if base_file.table else "no table"
        trouble = base_file.table is None or bool(base_file.missing)
        with st.expander(f"{md(base_file.file)} → {label}", expanded=trouble):
            left, right = st.columns([1, 2], gap="large")
            with left:
                table_selectbox(file_id)
                if base_file.missing and base_file.table:
                    mapping_selectboxes(upload, base_file, file_id)
                if base_file.file in upload.remembered:
                    st.caption("Pre-set from the mapping remembered for these headers.")
            with right:
                read_as(upload, report_file, file_id)


def read_as(upload: Upload, report_file: ingest.FileReport, file_id: str) -> None:
    """How the file's headers were read, its ignored columns and footer."""
    columns = columns_frame(report_file)
    if columns.empty:
        headers = ", ".join(map(md, upload.headers[report_file.file])) or "none"
        st.caption(f"Choose the file's table. Its headers: {headers}.")
    else:
        st.dataframe(
            columns,
            hide_index=True,
            column_config=COLUMNS_CONFIG,
            key=f"columns::{file_id}",
        )
    facts = [
        plural(report_file.rows, "row"),
        report_file.encoding or "encoding unknown",
    ]
    if report_file.ignored:
        facts.append(f"ignored: {', '.join(map(md, report_file.ignored))}")
    if report_file.footer_lines:
        facts.append(f"{plural(report_file.footer_lines, 'footer line')} removed")
    st.caption(" · ".join(facts))


def show_problems(report: ingest.ImportReport) -> None:
    """Error and warning counts and the full list, downloadable."""
    tiles = st.columns(4)
    tiles[0].metric("Files", len(report.files), border=True)
    tiles[1].metric("Rows read", f"{sum(f.rows for f in report.files):,}", border=True)
    tiles[2].metric("Errors", f"{report.error_count:,}", border=True)
    tiles[3].metric("Warnings", f"{report.warning_count:,}", border=True)
    problems = report.problems_frame()
    if problems.empty:
        st.success("No problems found.", icon=":material/task_alt:")
        return
    st.caption("Select a row to read its whole reason.")
    event = common.table(
        problems,
        "import_problems",
        PROBLEMS_CONFIG,
        on_select="rerun",
        selection_mode="single-row",
        key="problems",
    )
    chosen = event.selection.rows if event else []
    if chosen:
        st.info(problem_text(problems.iloc[chosen[0]]), icon=":material/info:")


def problem_text(problem: pd.Series) -> str:
    """One problem in full: `clients.csv, row 4, Churned Date = 2026-01-01: ...`."""
    where = [str(problem["file"])]
    if pd.notna(problem["row"]):
        where.append(f"row {problem['row']}")
    if problem["column"]:
        shown = "" if problem["value"] is None else f" = {problem['value']}"
        where.append(f"{problem['column']}{shown}")
    return (
        f"{problem['severity'].capitalize()} in {', '.join(where)}: {problem['reason']}"
    )


def change_summary(counts: pd.DataFrame) -> str:
    """`+12 added, 25 newly churned, 3 missing, 5 moved` (changes with clients) from
    clients per change (compare.change_counts)."""
    parts = [
        f"{'+' if row.change == 'added' else ''}{row.clients:,}"
        f" {CHANGE_WORDS[row.change]}"
        for row in counts.itertuples()
        if row.clients
    ]
    return ", ".join(parts) or "no client added, missing, churned, repurposed or moved"


CHANGES_CONFIG = {
    **text_columns(
        change="Change",
        client_id="CRN",
        client_name="Client",
        old_partner_name="Partner before",
        new_partner_name="Partner after",
    ),
    "added_date": st.column_config.DateColumn("Added"),
    "old_repurposed_date": st.column_config.DateColumn("Repurposed (before)"),
    "new_repurposed_date": st.column_config.DateColumn("Repurposed (after)"),
    "old_churned_date": st.column_config.DateColumn("Churned (before)"),
    "new_churned_date": st.column_config.DateColumn("Churned (after)"),
}


def changes_shown(changes: pd.DataFrame) -> pd.DataFrame:
    """The changes with their words (missing, newly churned...) and partner names
    (the id where a partner has no name)."""
    shown = changes.assign(change=changes["change"].map(CHANGE_WORDS))
    for side in ("old", "new"):
        shown[f"{side}_partner_name"] = shown[f"{side}_partner_name"].fillna(
            shown[f"{side}_partner_id"]
        )
    return shown


def what_changes(directory: Path, checked: Checked) -> None:
    """Before the commit: which tables it replaces (or clears, or leaves holding
    the demo data) and what it changes in the clients, by CRN."""
    replaced = uploaded_tables(checked.report)
    uploaded = set(replaced)
    cleared = [
        t for t, rows in checked.tables.items() if t not in uploaded and rows == 0
    ]
    demo = [
        t for t in versions.demo_tables(directory) if t not in {*replaced, *cleared}
    ]
    lines = [f"Commit replaces {tables_text(replaced)}"]
    if cleared:
        lines.append(f"clears {tables_text(cleared)}")
    sentence = "; ".join(lines) + "; the other tables stay as they are."
    if demo and "partners" in replaced:
        sentence += (
            f" {tables_text(demo)} will still hold the demo data: clear them under"
            " Uploads history if they are not yours."
        )
    st.markdown(sentence)
    if checked.changes is None:
        return
    summary = change_summary(compare.change_counts(checked.changes))
    st.markdown(f"**Clients against the current data:** {summary}")
    if not checked.changes.empty:
        with st.expander("The clients that change"):
            common.table(
                changes_shown(checked.changes),
                "clients_that_change",
                CHANGES_CONFIG,
            )


def uploaded_tables(report: ingest.ImportReport) -> list[str]:
    """The tables of the upload's files, in the SPEC's order."""
    found = {f.table for f in report.files if f.table}
    return [t for t in schema.TABLES if t in found]


def uploader_key() -> str:
    """The file uploader's key: a new one after each commit, so the committed files
    leave the uploader (and are not checked again against the data they made)."""
    done = st.session_state.get(UPLOADS_DONE, 0)
    return "upload" if done == 0 else f"upload-{done}"


def show_commit(directory: Path, upload: Upload, checked: Checked) -> None:
    """Commit when the report has no errors; otherwise a disabled button and why."""
    report = checked.report
    if not report.ok:
        st.error(
            f"Blocked by {plural(report.error_count, 'error')}: nothing was changed."
            " Fix the files and upload them again; the data the pages show stays as"
            " it was.",
            icon=":material/block:",
        )
        st.button("Commit", disabled=True, key="commit", type="primary")
        if partial.skippable(report):
            show_partial_commit(directory, upload, checked)
        return
    what_changes(directory, checked)
    if st.button(
        "Commit", key="commit", type="primary", icon=":material/cloud_upload:"
    ):
        commit(directory, upload, checked)


def bad_rows(report: ingest.ImportReport) -> int:
    """How many rows have errors: the rows named, and those counted in a "N more
    rows" line."""
    errors = [p for p in report.problems if p.severity == ingest.ERROR]
    named = {(p.file, p.row) for p in errors if p.row is not None}
    return len(named) + sum(p.count for p in errors if p.row is None)


def show_partial_commit(directory: Path, upload: Upload, checked: Checked) -> None:
    """Only row-level errors block: commit without those rows, on request (SPEC
    section 3); the rows left out are then offered as CSV with their reasons."""
    rows = bad_rows(checked.report)
    st.caption(
        "Every error belongs to one row: the upload can go in without those rows."
        " They are archived with it, and offered below with their reasons."
    )
    if st.button(
        f"Import without the {plural(rows, 'row')} with errors",
        key="commit_partial",
        icon=":material/playlist_remove:",
    ):
        commit(directory, upload, checked, skip_bad_rows=True)


def commit(
    directory: Path, upload: Upload, checked: Checked, skip_bad_rows: bool = False
) -> None:
    """Commit the upload (audited), remember its mappings and say what changed."""
    report = checked.report
    rows = plural(sum(checked.tables.values()), "row")
    run = Stages(upload, f"Committing {rows}…")
    actor = auth.actor()  # read here: the commit runs in a worker thread
    tables = ", ".join(sorted({f.table for f in report.files if f.table}))
    what = f"{tables} from " + ", ".join(f.file for f in report.files if f.table)
    result = run.step(
        "Committed a new dataset version",
        lambda: audit.audited(
            directory,
            actor,
            "upload",
            what,
            lambda: ingest.import_files(
                directory,
                upload.files,
                upload.tables or None,
                upload.mappings or None,
                skip_bad_rows=skip_bad_rows,
            ),
            lambda result: result.upload and result.upload.version,
        ),
    )
    took = seconds_text(run.seconds())
    run.status.update(label=f"Committed {rows} ({took})", state="complete")
    if result.upload is None:
        st.error("The upload could not be committed: " + result.report.outcome())
        return
    remember_mappings(directory, upload, checked.base)
    st.session_state[UPLOADS_DONE] = st.session_state.get(UPLOADS_DONE, 0) + 1
    st.session_state[REJECTED] = dict(result.rejected)
    left_out = sum(f.rejected_rows for f in result.report.files)
    without = f" without {plural(left_out, 'row')} with errors" if left_out else ""
    say_after_rerun(
        f"Committed as dataset version {version_name(result.upload.version)}"
        f" ({tables_text(uploaded_tables(report))}){without};"
        " every page now shows the new data."
    )
    st.rerun()


def show_rejected() -> None:
    """The rows the last partial import left out, as CSV per file with a reason
    column (kept until the next commit)."""
    for name, content in st.session_state.get(REJECTED, {}).items():
        st.download_button(
            f"Download the rows left out of {md(name)} (CSV)",
            content,
            file_name=partial.rejected_name(name),
            mime="text/csv",
            key=f"rejected::{name}",
            icon=":material/download:",
            on_click="ignore",
        )
