"""The Quota page's target form's submit, here and not in the page: a page's own
function as a widget's callback keeps the page's whole namespace alive with the
session (docs/deploy.md, "what a session holds")."""

from __future__ import annotations

import streamlit as st

from analytics import audit, store
from ui import auth, common
from ui.safe import md


def save_target() -> None:
    """Save the form's target (its widgets `tgt_am`, `tgt_month`, `tgt_value`),
    run before the page is drawn, so every figure below already reads the dataset
    version holding the new target; its confirmation goes in `tgt_saved`."""
    auth.require_admin("Saving a target")
    state = st.session_state
    am, month, target = state["tgt_am"], state["tgt_month"], int(state["tgt_value"])
    directory = store.data_dir(common.data_directory())
    audit.audited(
        directory,
        auth.actor(),
        "target",
        f"target {target} for {am} in {month:%Y-%m}",
        lambda: store.set_manual_target(directory, am, month, target),
    )
    state["tgt_saved"] = f"Target of {target} for {md(am)} in {month:%B %Y} saved."
