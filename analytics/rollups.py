"""Tables derived once per dataset version, so that a report at any as-of date D
reads thousands of rows instead of a million clients.

A version file never changes after its commit, so these are built with the
staging tables (store.commit, and db.connect for a file made with other rules)
and stored in it: a read-only connection sees them, and a book (analytics.access)
narrows them like the tables they come from.

`rollup_client_days` holds, per day, how many clients reached each of the dates
the SPEC 4 definitions test, so that every client count at D is a sum over the
days up to D (or within a period):

- added / churned / repurposed: clients with that date on the day;
- ended: added and churned by the day (the later of the two dates), so active at
  D (added by D, not churned by D) = added up to D - ended up to D;
- added_repurposed: added and repurposed by the day (the later of the two), the
  clients ever repurposed by D among those added by D;
- repurposed_ended: added, repurposed and churned by the day, so repurposed at D
  (active and repurposed by D) = added_repurposed up to D - repurposed_ended up
  to D.

`rollup_partner_activity` holds, per partner, what its activities say at any D:
whether it has a notes task (a current state), its touch dates (newest first: the
last touch at D is the first on or before D) and the due dates of its ordinary
open tasks (overdue at D: those due before D).
"""

from __future__ import annotations

import duckdb

# Grain: one row per account manager, league (the partner's, as stg_partners has
# them: null for none) and day on which any client reached one of the dates.
ROLLUPS_SQL = """
create or replace table rollup_client_days as
with clients as (
    select p.account_manager, p.league, c.added_date, c.churned_date, c.repurposed_date
    from stg_clients as c
    inner join stg_partners as p on p.partner_id = c.partner_id
),

events as (
    select account_manager, league, added_date as day, 'added' as kind
    from clients
    union all
    select account_manager, league, churned_date, 'churned' from clients
    union all
    select account_manager, league, repurposed_date, 'repurposed' from clients
    union all
    -- greatest() skips a null, so the dates are required explicitly
    select account_manager, league, greatest(added_date, churned_date), 'ended'
    from clients
    where added_date is not null and churned_date is not null
    union all
    select
        account_manager,
        league,
        greatest(added_date, repurposed_date),
        'added_repurposed'
    from clients
    where added_date is not null and repurposed_date is not null
    union all
    select
        account_manager,
        league,
        greatest(added_date, repurposed_date, churned_date),
        'repurposed_ended'
    from clients
    where added_date is not null
        and repurposed_date is not null
        and churned_date is not null
),

final as (
    select
        account_manager,
        league,
        day,
        count(*) filter (where kind = 'added') as added,
        count(*) filter (where kind = 'churned') as churned,
        count(*) filter (where kind = 'repurposed') as repurposed,
        count(*) filter (where kind = 'ended') as ended,
        count(*) filter (where kind = 'added_repurposed') as added_repurposed,
        count(*) filter (where kind = 'repurposed_ended') as repurposed_ended
    from events
    where day is not null
    group by all
)

select * from final
order by day, account_manager, league;

-- Grain: one row per partner with activities.
create or replace table rollup_partner_activity as
select
    partner_id,
    bool_or(is_notes_task) as has_notes_task,
    coalesce(
        list(distinct touch_date order by touch_date desc)
            filter (where is_touch and touch_date is not null),
        []
    ) as touch_dates,
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
order by partner_id;
"""

# The tables built here, for analytics.access's rules.
TABLES = ("rollup_client_days", "rollup_partner_activity")


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rollup tables from the staging tables in `con`'s database."""
    con.execute(ROLLUPS_SQL)
