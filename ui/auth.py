"""Sign-in and the viewer's books: who is using the app, which pages they may
open, and the account managers every report of this session is narrowed to.

Sign-in is Streamlit's own (`st.login`, OpenID Connect) when `.streamlit/secrets.toml`
has an `[auth]` section; without one the app runs open as one local admin. The
signed-in email is matched to the users table (analytics.access); the books drawn
from it reach every report through `books()`, which ui.common.report reads.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from analytics import access, partners
from analytics.access import AccessDenied, Viewer
from ui import common

ADMIN_PAGES = ("data",)  # url paths only an admin may open
VIEW_AS_ALL = "Whole team"
VIEW_AS_EVERYONE = "Everyone"
_VIEWER = "_viewer"


def auth_configured() -> bool:
    """Whether sign-in is on (an `[auth]` section in the secrets)."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:
        return False


def pages(all_pages: dict[str, list]) -> dict[str, list]:
    """The pages this visitor may open, for `st.navigation`. A visitor not signed
    in gets the sign-in page, someone not in the users table a refusal: shown
    here, and the run stops."""
    viewer = _resolve()
    if viewer is None:
        st.session_state.pop(_VIEWER, None)  # no earlier run's viewer stays on
        st.stop()
    st.session_state[_VIEWER] = viewer
    if viewer.is_admin:
        return all_pages
    allowed = {
        section: [p for p in section_pages if p.url_path not in ADMIN_PAGES]
        for section, section_pages in all_pages.items()
    }
    return {section: p for section, p in allowed.items() if p}


def viewer() -> Viewer:
    """The viewer of this run (set by `pages`); the local admin without sign-in."""
    found = st.session_state.get(_VIEWER)
    if found is None and auth_configured():
        st.stop()  # never widen: a run that skipped `pages` shows nothing
    return found or access.LOCAL_ADMIN


def books() -> tuple[str, ...] | None:
    """The account managers whose books this run's reports read (None: all).
    A `view_as` outside the viewer's books stops the run with a message."""
    view_as = st.session_state.get("view_as")
    if view_as in (None, VIEW_AS_ALL, VIEW_AS_EVERYONE):
        view_as = None
    try:
        return viewer().account_managers(view_as)
    except AccessDenied as refused:
        _refuse(str(refused))


def sidebar() -> None:
    """Who is signed in (or "local mode"), sign-out, and "view as" for managers
    and admins. Refuses an `?am=` or `?view_as=` outside the viewer's books."""
    who = viewer()
    with st.sidebar:
        if not auth_configured():
            st.caption(
                "Local mode: no sign-in configured, everyone is the local admin.",
                help="Add an [auth] section to .streamlit/secrets.toml to sign in"
                " (docs/deploy.md).",
            )
        else:
            row = st.container(horizontal=True, vertical_alignment="center", gap=None)
            row.caption(f"Signed in as **{who.name}** ({who.role})")
            row.button(
                "Sign out",
                key="sign_out",
                type="tertiary",
                icon=":material/logout:",
                on_click=st.logout,
            )
        options = _view_as_options(who)
        requested = st.query_params.get("view_as")
        if requested is not None and requested not in options:
            _refuse(f"You cannot view as {requested}: not in the books you may see.")
        if len(options) > 1:
            st.selectbox(
                "View as",
                options,
                key="view_as",
                bind="query-params",
                help="See the app as one account manager of your team sees it.",
                on_change=_clear_account_manager,
            )
    am = st.query_params.get("am")
    if books() is not None and am not in (None, common.ALL):
        if am not in common.report(partners.account_managers):  # the sidebar's box
            _refuse(f"{am} is not in the books you may see.")


def require_admin(action: str = "This page") -> None:
    """Stop unless the viewer is an admin (server-side, whatever the page list)."""
    if not viewer().is_admin:
        _refuse(f"{action} is for admins only.")


def actor() -> str:
    """Who did something, for the audit trail: the email, else the name."""
    who = viewer()
    return who.email or who.name


def _clear_account_manager() -> None:
    """A new "view as" starts with all of that book (the AM box may name an AM
    outside it)."""
    st.session_state["am"] = common.ALL


def _view_as_options(who: Viewer) -> list[str]:
    if who.is_admin:
        return [VIEW_AS_EVERYONE, *_all_account_managers()]
    if who.role == "manager":
        return [VIEW_AS_ALL, *who.team]
    return []


def _all_account_managers() -> list[str]:
    """Every AM of the whole dataset (an admin's "view as" list)."""
    with common.cursor() as cur:
        return partners.account_managers(cur)


def _resolve() -> Viewer | None:
    """The viewer, or None after drawing the sign-in page or a refusal."""
    if not auth_configured():
        return access.LOCAL_ADMIN
    if not st.user.is_logged_in:
        _sign_in_page()
        return None
    expires = st.user.get("exp")
    if expires is not None and float(expires) <= time.time():
        # Streamlit keeps its identity cookie 30 days; the ID token says less.
        st.logout()
        return None
    email = str(st.user.get("email") or "")
    found = _find_viewer(common.data_directory(), common.dataset_version(), email)
    if isinstance(found, str):
        _page("Not allowed")
        st.error(found, icon=":material/block:")
        st.button("Sign out", on_click=st.logout)
        return None
    return found


@st.cache_data(max_entries=256, ttl=300, show_spinner=False)
def _find_viewer(directory: str, version: str, email: str) -> Viewer | str:
    """The viewer signed in as `email` per dataset version (the users table is
    part of it), or the message refusing them."""
    admins = st.secrets.get("app", {}).get("admin_emails", [])
    with common.cursor() as cur:
        try:
            return access.find_viewer(cur, email, admins)
        except AccessDenied as refused:
            return str(refused)


def _sign_in_page() -> None:
    _page("Sign in")
    st.title("Account Management Dashboard")
    st.write("Sign in with your company account to see your partners.")
    for provider in _providers():
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        st.button(
            label,
            key=f"sign_in_{provider}",
            type="primary",
            icon=":material/login:",
            on_click=st.login,
            args=() if provider is None else (provider,),
        )


def _providers() -> list[str | None]:
    """The identity providers of `[auth]`: None for one set up in `[auth]`
    itself, else the names of its `[auth.<name>]` sections."""
    section = st.secrets["auth"]
    named = [k for k, v in section.items() if hasattr(v, "get") and "client_id" in v]
    return [None] if "client_id" in section or not named else named


def _page(title: str) -> None:
    """A page of its own with no navigation (the sign-in page, a refusal)."""
    st.navigation([st.Page(_nothing, title=title)], position="hidden")
    st.set_page_config(page_title=f"{title} · Account Management", layout="centered")


def _nothing() -> None:
    """The one page of the sign-in and refusal screens (drawn before it)."""


def _refuse(message: str) -> None:
    st.error(message, icon=":material/block:")
    st.stop()
