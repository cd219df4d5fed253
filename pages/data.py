"""Data: upload CSV exports, see the import report and what the commit will change
before anything changes, commit; the uploads history with the original files,
restore, clear and reset, and a comparison of two uploads."""

import streamlit as st

from analytics import audit, store
from ui import archive, auth, common
from ui import upload_check as check
from ui import upload_report as report
from ui.words import show_message

AUDIT_CONFIG = {
    "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss"),
    "who": "Who",
    "action": "Action",
    "what": "What",
    "version_before": "Version before",
    "version_after": "Version after",
}

directory = store.data_dir()
common.dataset_version()  # the dataset exists (demo on first use) before we show it
auth.require_admin("The Data page")

st.title("Data")
st.caption(
    "Upload fresh Salesforce exports, see what is wrong with a file and what will"
    " change before anything changes, and go back to any earlier upload."
)
show_message()
report.show_rejected()
archive.show_current(directory)

upload_tab, history_tab, compare_tab = st.tabs(
    ["Upload files", "Uploads history", "Compare clients"],
    key="tab",
    bind="query-params",
)

with upload_tab:
    uploaded = st.file_uploader(
        "CSV exports: one or several files at once",
        accept_multiple_files=True,
        key=report.uploader_key(),
        help="Partners, clients and activities are required in the dataset; quotas,"
        " account plans and contacts are optional. Each file's table is recognised"
        " from its headers.",
    )
    st.caption(
        f"Up to {st.get_option('server.maxUploadSize'):,} MB per file. Nothing"
        " changes until you press Commit; an upload of some tables leaves the others"
        " as they are."
    )
    with st.expander("Which files and columns are accepted"):
        st.caption(
            "Headers match ignoring case, spaces, underscores, punctuation and an"
            " `Object:` prefix. Columns that match nothing are listed as ignored."
        )
        common.table(
            report.accepted_frame(),
            "accepted_columns",
            report.ACCEPTED_CONFIG,
        )
    uploaded = check.refuse_unstorable_names(uploaded or [])
    if uploaded:
        upload = check.read_upload(uploaded)
        checked = check.check(directory, upload)
        st.subheader("Import report")
        report.show_files(checked.report, upload)
        report.file_sections(directory, upload, checked)
        report.show_problems(checked.report)
        report.show_commit(directory, upload, checked)

with history_tab:
    st.subheader("Every committed upload")
    archive.show_history(directory)
    st.markdown("**Download an upload's original files**")
    archive.show_originals(directory)
    restore, clear, reset = st.columns(3, gap="large")
    with restore:
        st.markdown("**Restore an earlier upload**")
        archive.show_restore(directory)
    with clear:
        st.markdown("**Clear an optional table**")
        archive.show_clear(directory)
    with reset:
        st.markdown("**Reset to the demo data**")
        archive.show_reset(directory)
    st.subheader("Audit trail")
    st.caption("Every upload, restore, reset and target edit: who, when, what.")
    common.table(
        audit.entries(directory),
        "audit_trail",
        column_config=AUDIT_CONFIG,
    )

if compare_tab.open:  # only when chosen: it reads two versions' clients
    with compare_tab:
        st.subheader("Clients between two uploads, by CRN")
        archive.show_compare(directory)
