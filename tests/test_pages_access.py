"""Sign-in and books in the running app (AppTest with `at.user`), on the fixture of
tests/test_access.py: Ann owns Acorn and Birch, Bob Cedar, Cid Dune; Meg manages
Ann and Bob; Ada is an admin; C6's partner is not in the file (unknown partner)."""

from __future__ import annotations

import time

import pytest

from tests.conftest import ROOT, open_expanders
from tests.test_access import TABLES
from ui.partners import READY_MARK, SUBTOTAL_MARK

AUTH = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-secret",
        "client_id": "app",
        "client_secret": "app-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
AS_OF = {"as_of": "2026-11-04"}
REPORT, DATA, QUOTA = "pages/partners.py", "pages/data.py", "pages/quota.py"


def signed_in(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, **claims}


def partner_names(at) -> set[str]:
    """The partners in the page's tables (a report grid's status subtotal rows,
    marked Σ, and the ready marker ★ left out)."""
    return {
        str(name).removeprefix(READY_MARK)
        for t in at.dataframe
        if "partner_name" in t.value.columns
        for name in t.value["partner_name"]
        if not str(name).startswith(SUBTOTAL_MARK)
    }


def sidebar_box(at, label: str):
    return next(s for s in at.sidebar.selectbox if s.label == label)


@pytest.fixture(scope="module")
def data(make_module_data_dir):
    return make_module_data_dir(**TABLES)


def test_a_signed_out_visitor_sees_only_the_sign_in_page(run_app, data):
    at = run_app(
        data, page=None, query=AS_OF, user={"is_logged_in": False}, secrets=AUTH
    )
    assert not at.exception
    assert at.title[0].value == "Account Management Dashboard"
    assert [b.label for b in at.button] == ["Sign in"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert len(at.sidebar.selectbox) == 0


def test_a_user_not_in_the_table_is_refused(run_app, data):
    at = run_app(data, query=AS_OF, user=signed_in("eve@example.com"), secrets=AUTH)
    assert "eve@example.com is not in the app's users list" in at.error[0].value
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert [b.label for b in at.button] == ["Sign out"]


def test_an_expired_id_token_signs_out(run_app, data):
    expired = signed_in("ann@example.com", exp=int(time.time()) - 60)
    at = run_app(data, query=AS_OF, user=expired, secrets=AUTH)
    assert at.user == {"is_logged_in": False}  # st.logout ran
    at.run()
    assert [b.label for b in at.button] == ["Sign in"]


def test_an_am_sees_their_own_partners_and_no_data_page(run_app, data):
    ann = signed_in("ann@example.com", exp=int(time.time()) + 3600)
    at = run_app(data, page=REPORT, query=AS_OF, user=ann, secrets=AUTH)
    assert not at.exception
    assert partner_names(at) == {"Acorn", "Birch"}
    assert sidebar_box(at, "Account manager").options == ["All account managers", "Ann"]
    assert "Signed in as **Ann** (am)" in at.sidebar.caption[0].value
    assert not [s for s in at.sidebar.selectbox if s.label == "View as"]


def test_an_am_cannot_widen_the_book_from_the_url(run_app, data):
    ann = signed_in("ann@example.com")
    at = run_app(
        data, page=REPORT, query={**AS_OF, "am": "Bob"}, user=ann, secrets=AUTH
    )
    assert at.error[0].value == "Bob is not in the books you may see."
    assert partner_names(at) == set()
    at = run_app(data, page=REPORT, query={"view_as": "Bob"}, user=ann, secrets=AUTH)
    assert "You cannot view as Bob" in at.error[0].value
    assert partner_names(at) == set()


def test_an_am_has_no_target_form(run_app, data):
    at = run_app(
        data, page=QUOTA, query=AS_OF, user=signed_in("ann@example.com"), secrets=AUTH
    )
    assert not at.exception
    assert "Save target" not in [b.label for b in at.button]


def test_a_manager_sees_the_team_and_can_view_as_one_am(run_app, data):
    meg = signed_in("meg@example.com")
    at = run_app(data, page=REPORT, query=AS_OF, user=meg, secrets=AUTH)
    assert partner_names(at) == {"Acorn", "Birch", "Cedar"}
    view_as = sidebar_box(at, "View as")
    assert view_as.options == ["Whole team", "Ann", "Bob", "Meg"]
    at.sidebar.selectbox(key="am").set_value("Ann").run()
    assert partner_names(at) == {"Acorn", "Birch"}
    view_as.set_value("Bob").run()  # the AM box starts again from all of Bob's
    assert not at.error
    assert partner_names(at) == {"Cedar"}
    assert at.sidebar.selectbox(key="am").value == "All account managers"
    assert view_as.proto.query_param_key == "view_as"  # in the URL


def test_an_admin_sees_everything_with_the_unknown_partner(run_app, data):
    at = run_app(
        data, page=REPORT, query=AS_OF, user=signed_in("ada@example.com"), secrets=AUTH
    )
    assert partner_names(at) == {"Acorn", "Birch", "Cedar", "Dune", "(unknown partner)"}
    at.switch_page(DATA).run()
    assert at.title[0].value == "Data"


def test_local_mode_is_one_admin_and_says_so(run_app, data):
    at = run_app(data, page=REPORT, query=AS_OF)
    assert "Local mode" in at.sidebar.caption[0].value
    assert "(unknown partner)" in partner_names(at)


def test_the_data_page_run_alone_shows_nothing_to_a_non_admin(monkeypatch, data):
    # A run that skipped app.py's sign-in (the page file alone) never widens.
    from streamlit.testing.v1 import AppTest

    from analytics import store

    monkeypatch.setenv(store.DATA_DIR_ENV, str(data))
    at = AppTest.from_file(str(ROOT / DATA), default_timeout=60)
    at.user, at.secrets = signed_in("ann@example.com"), AUTH
    at.run()
    assert not at.exception
    assert len(at.title) == 0 and len(at.get("file_uploader")) == 0


def test_named_providers_get_a_button_each(run_app, data):
    named = {
        "auth": {
            "redirect_uri": AUTH["auth"]["redirect_uri"],
            "cookie_secret": "test-secret",
            **{
                name: {
                    "client_id": name,
                    "client_secret": "x",
                    "server_metadata_url": "x",
                }
                for name in ("microsoft", "salesforce")
            },
        }
    }
    at = run_app(data, user={"is_logged_in": False}, secrets=named)
    assert [b.label for b in at.button] == [
        "Sign in with Microsoft",
        "Sign in with Salesforce",
    ]


def test_an_am_opening_another_book_partner_by_url_finds_nothing(run_app, data):
    query = {**AS_OF, "partner": "001000000000003"}  # Cedar, Bob's
    at = run_app(
        data,
        page="pages/partner.py",
        query=query,
        user=signed_in("ann@example.com"),
        secrets=AUTH,
    )
    assert not at.exception
    # not among the partners to choose from: no partner is shown
    assert at.info[0].value.startswith("Choose a partner above")
    # in report order: Champions League (Birch) before Premiership (Acorn)
    assert at.selectbox(key="partner_choice").options == ["Birch", "Acorn"]
    assert len(at.metric) == 0


def test_the_default_as_of_is_the_dataset_s_for_every_viewer(run_app, data):
    # the latest thing that happened is C4 added on 2026-11-03, in Bob's book;
    # Ann's book ends on 2026-11-03 too (C3 churned) but Cid's on 2026-11-02 (C5)
    for email in ("ann@example.com", "cid@example.com", "ada@example.com"):
        at = run_app(data, page=REPORT, user=signed_in(email), secrets=AUTH)
        assert "Data up to 03 Nov 2026" in at.sidebar.caption[-1].value, email


PAGES = [
    "pages/home.py",
    "pages/partners.py",
    "pages/partner.py",
    "pages/quota.py",
    "pages/repurposing.py",
    "pages/churn.py",
    "pages/activity.py",
    "pages/plans.py",
]


def names_shown(at) -> tuple[set[str], set[str]]:
    """The partner names and account managers in the page's tables."""
    columns = {"partner_name": set(), "account_manager": set()}
    for t in at.dataframe:
        for column, seen in columns.items():
            if column in t.value.columns:
                seen.update(t.value[column].dropna())
    partners = {
        str(name).removeprefix(READY_MARK)
        for name in columns["partner_name"]
        if not str(name).startswith(SUBTOTAL_MARK)
    }
    return partners, columns["account_manager"] - {""}  # "" on subtotal rows


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_an_am_their_book_only(run_app, data, page):
    ann = signed_in("ann@example.com")
    at = open_expanders(run_app(data, page=page, query=AS_OF, user=ann, secrets=AUTH))
    assert not at.exception
    shown_partners, shown_managers = names_shown(at)
    assert shown_partners <= {"Acorn", "Birch"} and shown_managers <= {"Ann"}
    # the same page for an admin shows other books, so the check above has teeth
    # (except the partner page with none chosen and repurposing, with no client
    # repurposed: no table there names partners or AMs)
    ada = signed_in("ada@example.com")
    at = open_expanders(run_app(data, page=page, query=AS_OF, user=ada, secrets=AUTH))
    everyone_partners, everyone_managers = names_shown(at)
    if everyone_partners or everyone_managers:
        assert everyone_partners - {"Acorn", "Birch"} or everyone_managers - {"Ann"}
