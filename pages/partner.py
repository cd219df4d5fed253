"""Partner detail: one partner's account, business plan, clients, contacts,
activity and notes on one page."""

import streamlit as st

from analytics import partners, plans
from analytics.schema import (
    NOTES_SUBJECT,
    TRAINING_STATUSES,
    league_name,
)
from ui import common, figures
from ui import partners as ui
from ui.safe import md

TIMELINE_ITEMS = 20

f = common.filters()

st.title("Partner detail")

everyone = common.report(partners.partner_report, as_of=f.as_of)
labels = ui.partner_labels(everyone)
asked = st.query_params.get("partner")
requested = ui.requested_partner(asked, labels)
if requested is None and asked:  # an 18-character id finds its 15-character one
    requested = common.report(partners.own_partner_id, partner_id=asked)
if f.account_manager is not None:  # the AM's partners, and the one asked for
    mine = everyone["account_manager"].eq(f.account_manager)
    chosen = everyone["partner_id"].eq(requested)
    labels = {pid: labels[pid] for pid in everyone.loc[mine | chosen, "partner_id"]}
search = ""
long_list = len(labels) > common.CHOOSER_OPTIONS
if long_list:  # searched, not sent whole
    search = st.text_input(
        "Find a partner",
        key="partner_search",
        placeholder="Type part of a partner's name or id",
    )
offered, found = common.chooser_options(labels, search, requested)
if found > common.CHOOSER_OPTIONS:
    matching = " matching" if search else ""
    st.caption(
        f"The first {common.CHOOSER_OPTIONS} of {found:,} partners{matching}: "
        "type more of a name to find the others."
    )
elif search and not found:
    st.caption(f"No partner's name or id contains “{md(search)}”.")
st.session_state["partner_choice"] = requested  # the URL's partner, or none
partner_id = st.selectbox(
    "Partner",
    list(offered),
    index=None,
    format_func=offered.get,
    key="partner_choice",
    on_change=common.chosen_partner_in_url,
    args=("partner_choice",),
    placeholder="Choose a partner" if long_list else "Type part of a partner's name",
)
if partner_id is None:
    st.info("Choose a partner above, or open one from the partner report.")
    st.page_link(
        "pages/partners.py", label="Partner report", icon=":material/table_rows:"
    )
    st.stop()

account_info = common.report(partners.partner_info, partner_id=partner_id)
if account_info is None:
    st.warning("This partner is not in the current data.")
    st.stop()
info = {
    **account_info,
    **common.report(partners.partner_info, partner_id=partner_id, as_of=f.as_of),
}

st.header(md(info["partner_name"]))
st.caption(f"As of {f.as_of:%d %B %Y}.")

if partner_id:
    common.pack_buttons("QBR pack", f"qbr_{partner_id}", f.as_of, partner_id=partner_id)

account, plan = st.columns([2, 3])
with account.container(border=True, height="stretch"):
    st.subheader("Account information")
    st.markdown(
        f"**Account manager:** {md(info['account_manager'] or '–')}  \n"
        f"**League:** {md(league_name(info['league']))}  \n"
        f"**Account status:** {md(info['account_status'] or '–')}  \n"
        f"**Created:** {info['created_date'] or '–'}  \n"
        f"**Partner ID:** {md(info['partner_id'] or '–')}"
    )
with plan.container(border=True, height="stretch"):
    st.subheader("Business plan")
    aim, repurposed = info["business_plan_aim"], info["clients_repurposed"]
    if not aim:
        st.markdown(f"No business plan aim set. **{repurposed:,}** clients repurposed.")
    else:
        progress = info["plan_progress"]
        st.markdown(f"Aim: **{aim:,}** clients · repurposed: **{repurposed:,}**")
        st.progress(min(progress, 1.0), text=f"Plan progress {progress:.0%}")
        if info["is_ready"]:
            st.badge(
                "Ready for the next stage",
                icon=":material/check_circle:",
                color="green",
            )
        else:
            st.caption(f"{aim - repurposed:,} more to repurpose to reach the aim.")

tiles = st.columns(6)
touch = info["days_since_touch"]
tiles[0].metric("Clients", f"{info['clients_total']:,}", border=True)
tiles[1].metric("Active", f"{info['clients_active']:,}", border=True)
tiles[2].metric("Repurposed", f"{repurposed:,}", border=True)
tiles[3].metric("Added this month", f"{info['added_this_month']:,}", border=True)
tiles[4].metric("Churned this week", f"{info['churned_this_week']:,}", border=True)
tiles[5].metric(
    "Days since touch",
    "never" if touch is None else f"{touch:,}",
    border=True,
)

notes = common.report(partners.partner_notes_task, partner_id=partner_id)
if notes is None:
    st.warning(
        f"No open '{NOTES_SUBJECT}' task: not keeping Salesforce up to date.",
        icon=":material/warning:",
    )
else:
    with st.expander(
        f"{NOTES_SUBJECT} · {md(notes['status'] or 'open')} · "
        f"{notes['activity_date']} · {md(notes['account_manager'])}",
        icon=":material/sticky_note_2:",
    ):
        st.text(notes["comments"] or "(no notes written yet)")

clients = common.report(partners.partner_clients, partner_id=partner_id, as_of=f.as_of)
contacts = common.report(partners.partner_contacts, partner_id=partner_id)
activities = common.report(
    partners.partner_activities, partner_id=partner_id, as_of=f.as_of
)
has_plans = hasattr(plans, "partner_plan")
tab_names = [
    f"Clients ({len(clients):,})",
    f"Contacts ({len(contacts):,})",
    f"Activity timeline ({len(activities):,})",
]
tabs = st.tabs([*tab_names, "Account plan"] if has_plans else tab_names)

with tabs[0]:
    common.table(
        clients,
        f"clients_{partner_id}",
        column_config={
            "client_id": "CRN",
            "client_name": "Client",
            "added_date": st.column_config.DateColumn("Added"),
            "repurposed_date": st.column_config.DateColumn("Repurposed"),
            "churned_date": st.column_config.DateColumn("Churned"),
            "monthly_value": figures.money_column("Monthly value"),
            "status": "Status",
        },
    )

with tabs[1]:
    training = contacts["training_status"].fillna("Not recorded").value_counts()
    others = [s for s in training.index if s not in TRAINING_STATUSES]
    for tile, name in zip(st.columns(4), [*TRAINING_STATUSES, *others], strict=False):
        tile.metric(f"Training: {name}", f"{training.get(name, 0):,}", border=True)
    common.table(
        contacts,
        f"contacts_{partner_id}",
        column_config={
            "contact_id": None,
            "contact_name": "Contact",
            "role": "Role",
            "privilege": "Privilege",
            "training_status": "Training status",
            "training_completed_date": st.column_config.DateColumn(
                "Training completed"
            ),
        },
    )

with tabs[2]:
    if activities.empty:
        st.info("No activities recorded for this partner.")
    else:
        latest = activities.head(TIMELINE_ITEMS)
        st.caption(
            f"Newest first: the latest {len(latest):,} with their comments. A check "
            "marks a touch (an event, call, email or completed task)."
        )
        with st.container(height=460):
            for row in latest.itertuples():
                ui.timeline_entry(row, f.as_of)
        with st.expander(f"All {len(activities):,} activities as a table"):
            common.table(
                activities,
                f"activities_{partner_id}",
                column_order=[
                    "activity_date",
                    "activity_type",
                    "subject",
                    "status",
                    "completed_date",
                    "account_manager",
                    "is_touch",
                    "comments",
                ],
                column_config={
                    "activity_date": st.column_config.DateColumn("Date"),
                    "activity_type": "Type",
                    "subject": st.column_config.TextColumn("Subject", width="medium"),
                    "status": "Status",
                    "completed_date": st.column_config.DateColumn("Completed"),
                    "account_manager": "Assigned to",
                    "is_touch": st.column_config.CheckboxColumn("Touch"),
                    "comments": st.column_config.TextColumn("Comments", width="large"),
                },
            )

if has_plans:
    with tabs[3]:
        account_plans = common.report(plans.partner_plan, partner_id=partner_id)
        if account_plans.empty:
            st.info("No account plan for this partner.")
            st.page_link(
                "pages/plans.py", label="Account plans", icon=":material/flag:"
            )
        else:
            common.table(
                account_plans.drop(columns=["partner_id"], errors="ignore"),
                f"account_plans_{partner_id}",
                column_config={
                    "plan_id": "Plan",
                    "account_manager": "Plan owner",
                    "created_date": st.column_config.DateColumn("Created"),
                    "last_updated": st.column_config.DateColumn("Last updated"),
                    "revenue_goal": figures.column("revenue_goal"),
                    "current_amount": figures.column("current_amount"),
                    "status": "Status",
                    "next_review_date": st.column_config.DateColumn("Next review"),
                    "objectives": "Objectives",
                    "strategies": "Strategies",
                    "activities": "Activities",
                },
            )
