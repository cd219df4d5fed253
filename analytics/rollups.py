"""Tables derived once per dataset version, so that a report at any as-of date D
reads thousands of rows instead of a million clients.

A version file never changes after its commit, so these are built with the
staging tables (store.commit, and db.connect for a file made with other rules)
and stored in it: a read-only connection sees them, and a book (analytics.access)
narrows them like the tables they come from.

`rollup_partner_days` holds, per partner and day, how many of its clients
reached each of the dates the SPEC 4 definitions test, so that every client
count at D is a sum over the days up to D (or within a period);
`rollup_partner_clients` is its sum over all days per partner (a count up to D
is that minus the days after D, few when D is recent) and `rollup_client_days`
its sum per account manager and league (the team figures). The counts:

- added / churned / repurposed: clients with that date on the day;
- ended: added and churned by the day (the later of the two dates), so active at
  D (added by D, not churned by D) = added up to D - ended up to D;
- added_repurposed: added and repurposed by the day (the later of the two), the
  clients ever repurposed by D among those added by D;
- repurposed_ended: added, repurposed and churned by the day, so repurposed at D
  (active and repurposed by D) = added_repurposed up to D - repurposed_ended up
  to D.

`rollup_activity_days` counts activities per assignee, type and day (the activity
charts and the month grid); `rollup_partner_activity` holds, per partner, what
its activities say at any D: whether it has a notes task (a current state), its
touch dates (newest first: the last touch at D is the first on or before D) and
the due dates of its ordinary open tasks (overdue at D: those due before D).
"""

from __future__ import annotations

import duckdb

COUNTS = ("added", "churned", "repurposed", "ended", "added_repurposed")
COUNTS += ("repurposed_ended",)
_SUMS = ",\n    ".join(f"sum({n})::bigint as {n}" for n in COUNTS)
# an event's kind is the place of its count in COUNTS, from 1
_KIND_COUNTS = ",\n        ".join(
    f"count(*) filter (where kind = {k}) as {n}" for k, n in enumerate(COUNTS, 1)
)

ROLLUPS_SQL = f"""
-- Grain: one row per partner and day on which any of its clients reached one of
-- the dates; ordered by day, so that a query of the days after a date reads only
-- the last row groups.
create or replace table rollup_partner_days as
with clients as (
    select
        partner_id,
        added_date as a,
        churned_date as c,
        repurposed_date as r
    from stg_clients
),

-- each client's six days, in the order of COUNTS, read in one pass (one event
-- per day that is not null); greatest() skips a null, so the dates it takes are
-- required explicitly
events as (
    select
        partner_id,
        unnest([
            a,
            c,
            r,
            case when a is not null and c is not null then greatest(a, c) end,
            case when a is not null and r is not null then greatest(a, r) end,
            case
                when a is not null and r is not null and c is not null
                    then greatest(a, r, c)
            end
        ]) as day,
        unnest(range(1, {len(COUNTS) + 1})) as kind
    from clients
),

final as (
    select
        partner_id,
        day,
        {_KIND_COUNTS}
    from events
    where day is not null
    group by all
)

select * from final
order by day, partner_id;

-- Grain: one row per partner with clients: its counts over all days, so that a
-- count up to D is this minus the days after D.
create or replace table rollup_partner_clients as
select partner_id, {_SUMS}
from rollup_partner_days
group by partner_id
order by partner_id;

-- Grain: one row per account manager, league (the partner's, as stg_partners has
-- them: null for none) and day.
create or replace table rollup_client_days as
select p.account_manager, p.league, d.day, {_SUMS}
from rollup_partner_days as d
inner join stg_partners as p on p.partner_id = d.partner_id
group by all
order by day, account_manager, league;

-- Grain: one row per partner's account manager (what a book narrows on),
-- activity's account manager (the assignee the pages filter on), activity type
-- and activity date: activities, completed tasks (type Task, not open) and the
-- ordinary open tasks (overdue once D is after their day).
create or replace table rollup_activity_days as
select
    p.account_manager as partner_account_manager,
    a.account_manager,
    a.activity_type,
    a.activity_date as day,
    count(*) as activities,
    count(*) filter (
        where a.activity_type = 'Task' and not a.is_open_task
    ) as completed_tasks,
    count(*) filter (
        where is_ordinary_open_task(
            a.is_open_task, a.is_notes_task, a.is_near_miss_notes_task
        )
    ) as ordinary_open_tasks
from stg_activities as a
inner join stg_partners as p on p.partner_id = a.partner_id
where a.activity_date is not null
group by all
order by day, account_manager, activity_type;

-- Grain: one row per partner with activities.
create or replace table rollup_partner_activity as
with touches as (
    -- each partner's touch dates, once each, newest first
    select partner_id, list(touch_date order by touch_date desc) as touch_dates
    from (
        select distinct partner_id, touch_date
        from stg_activities
        where is_touch and touch_date is not null
    )
    group by partner_id
),

tasks as (
    select
        partner_id,
        bool_or(is_notes_task) as has_notes_task,
        coalesce(
            list(activity_date order by activity_date) filter (
                where is_ordinary_open_task(
                    is_open_task, is_notes_task, is_near_miss_notes_task
                )
            ),
            []
        ) as open_task_dates
    from stg_activities
    group by partner_id
)

select
    t.partner_id,
    t.has_notes_task,
    coalesce(h.touch_dates, []) as touch_dates,
    t.open_task_dates
from tasks as t
left join touches as h on h.partner_id = t.partner_id
order by partner_id;
"""

# The tables built here, for analytics.access's rules.
TABLES = (
    "rollup_partner_days",
    "rollup_partner_clients",
    "rollup_client_days",
    "rollup_partner_activity",
    "rollup_activity_days",
)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rollup tables from the staging tables in `con`'s database."""
    con.execute(ROLLUPS_SQL)
