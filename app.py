"""Account Management Dashboard: page list, page config and the shared sidebar.

Each page's URL is its file's stem.
"""

import datetime as dt

import streamlit as st

from analytics import dates, partners, versions
from analytics.schema import DEFAULT_NO_TOUCH_DAYS
from ui import archive, auth, common

PAGES = {
    "": [
        st.Page(
            "pages/home.py",
            title="Dashboard",
            icon=":material/dashboard:",
            default=True,
        ),
    ],
    "Partners": [
        st.Page(
            "pages/partners.py",
            title="Partner report",
            icon=":material/table_rows:",
            url_path="partners",
        ),
        st.Page(
            "pages/partner.py",
            title="Partner detail",
            icon=":material/storefront:",
            url_path="partner",
        ),
    ],
    "Performance": [
        st.Page(
            "pages/quota.py",
            title="Quota pace",
            icon=":material/speed:",
            url_path="quota",
        ),
        st.Page(
            "pages/repurposing.py",
            title="Repurposing",
            icon=":material/autorenew:",
            url_path="repurposing",
        ),
        st.Page(
            "pages/churn.py",
            title="Weekly churn",
            icon=":material/trending_down:",
            url_path="churn",
        ),
    ],
    "Hygiene and planning": [
        st.Page(
            "pages/activity.py",
            title="Activity",
            icon=":material/event_note:",
            url_path="activity",
        ),
        st.Page(
            "pages/plans.py",
            title="Account plans",
            icon=":material/flag:",
            url_path="plans",
        ),
    ],
    "Data": [
        st.Page(
            "pages/data.py",
            title="Data",
            icon=":material/upload_file:",
            url_path="data",
        ),
    ],
}

# Streamlit runs a `pages/` folder the legacy way (each file alone, without this
# script) until `st.navigation` has run once in the process. On a first visit to
# /<stem> after a server start, importing ui.common turns that mode off and runs
# again through the navigation below (common.leave_legacy_pages_mode).
page = st.navigation(auth.pages(PAGES))  # signed-out visitors: the sign-in page
st.set_page_config(
    page_title=f"{page.title} · Account Management",
    page_icon=":material/handshake:",
    layout="wide",
)
common.start_run()  # the dataset version every figure of this run reads
auth.sidebar()  # who is signed in, "view as"; refuses a URL outside their books

latest = common.latest_data_date()
today = dt.date.today()
default_as_of = dates.default_as_of(latest, today)
managers = common.report(partners.account_managers)

with st.sidebar:
    st.markdown("**Account Management Dashboard**")
    st.date_input(
        "As of",
        value=default_as_of,
        max_value=today,
        key="as_of",
        bind="query-params",
        format="YYYY-MM-DD",
        help="Every figure is as of this date (default: the latest date in the data).",
    )
    st.selectbox(
        "Account manager",
        [common.ALL, *managers],
        key="am",
        bind="query-params",
        help="Narrow every page to one account manager's partners.",
    )
    with st.expander("Settings"):
        st.number_input(
            "Needs attention after (days without a touch)",
            min_value=1,
            max_value=365,
            value=DEFAULT_NO_TOUCH_DAYS,
            key="no_touch",
            bind="query-params",
        )
        st.selectbox(
            "Fiscal year starts in",
            range(1, 13),
            index=common.fiscal_start_default() - 1,
            format_func=lambda m: dt.date(2000, m, 1).strftime("%B"),
            key="fy_start",
            bind="query-params",
        )
    archive.show_demo_notice()
    last = common.last_upload()
    st.caption(
        (f"Data up to {default_as_of:%d %b %Y}" if latest else "No data yet")
        + (
            f" · imported {last.committed_at[:16].replace('T', ' ')} UTC"
            if last
            else ""
        ),
        help=f"Dataset version {versions.version_name(common.dataset_version())}",
    )

common.newer_data_notice()
try:
    page.run()
finally:
    common.release_memory()  # what this run freed goes back to the system
