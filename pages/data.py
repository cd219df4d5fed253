"""Data: upload CSV exports, see the import report before anything changes, commit;
the uploads history with restore and reset, and a comparison of two uploads."""

import streamlit as st

from analytics import audit, store
from ui import auth, common
from ui import data_upload as data

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
    "Upload fresh Salesforce exports, see what is wrong with a file before anything"
    " changes, and go back to any earlier upload."
)
data.show_message()
data.show_current(directory)

upload_tab, history_tab, compare_tab = st.tabs(
    ["Upload files", "Uploads history", "Compare clients"],
    key="tab",
    bind="query-params",
)

with upload_tab:
    uploaded = st.file_uploader(
        "CSV exports: one or several files at once",
        accept_multiple_files=True,
        key="upload",
        help="Partners, clients and activities are required in the dataset; quotas,"
        " account plans and contacts are optional. Each file's table is recognised"
        " from its headers.",
    )
    st.caption(
        f"Up to {st.get_option('server.maxUploadSize'):,} MB per file (maxUploadSize in"
        " .streamlit/config.toml). Nothing changes until you press Commit; an upload"
        " of some tables leaves the others as they are."
    )
    with st.expander("Which files and columns are accepted"):
        st.caption(
            "Headers match ignoring case, spaces, underscores, punctuation and an"
            " `Object:` prefix. Columns that match nothing are listed as ignored."
        )
        common.table(
            data.accepted_frame(),
            "accepted_columns",
            column_config=data.ACCEPTED_CONFIG,
        )
    uploaded = data.refuse_unstorable_names(uploaded or [])
    if uploaded:
        # Checked as found, then with the tables chosen, then with the columns
        # mapped; each check runs once per set of files and choices.
        upload = data.read_upload(uploaded)
        data.choose_tables(directory, upload, data.check(directory, upload))
        base = data.check(directory, upload)
        st.subheader("Import report")
        summary = st.container()
        slots = data.file_sections(directory, upload, base)
        report = data.check(directory, upload)
        with summary:
            common.table(
                data.files_frame(report),
                "import_files",
                column_config=data.FILES_CONFIG,
            )
        data.fill_file_sections(slots, upload, report)
        data.show_problems(report)
        data.show_commit(directory, upload, base, report)

with history_tab:
    st.subheader("Every committed upload")
    uploads = data.uploads_frame(directory)
    common.table(uploads, "uploads", column_config=data.UPLOADS_CONFIG)
    restore, reset = st.columns(2, gap="large")
    with restore:
        st.markdown("**Restore an earlier upload**")
        data.show_restore(directory)
    with reset:
        st.markdown("**Reset to the demo data**")
        data.show_reset(directory)
    st.subheader("Audit trail")
    st.caption("Every upload, restore, reset and target edit: who, when, what.")
    common.table(audit.entries(directory), "audit_trail", column_config=AUDIT_CONFIG)

with compare_tab:
    st.subheader("Clients between two uploads, by CRN")
    data.show_compare(directory)
