"""The seeded demo generator: Salesforce-like CSV exports of any size.

Every column is drawn with numpy from one seeded generator and written through
pyarrow, so 1M clients and 3M activities take seconds and the same seed and
arguments give byte-identical files. The data is shaped so that every report has
something to show: leagues and statuses, a growing client trend, repurposing and
churn (some of it this week), notes-task hygiene problems, overdue and upcoming
tasks, quiet partners, quotas, account plans and contacts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analytics import dates
from analytics.schema import KEY_LEAGUES, KEY_STATUS, LEAGUES, NOTES_SUBJECT, STATUSES

ACCOUNT_MANAGERS = (
    "Olivia Bennett",
    "James Whitaker",
    "Priya Sharma",
    "Tom Gallagher",
    "Hannah Lloyd",
)
# League shares (the four, then no league) and how many clients a partner of each
# league brings relative to a 2nd Division partner.
LEAGUE_SHARES = (0.08, 0.16, 0.30, 0.36, 0.10)
LEAGUE_SIZE = (8.0, 4.0, 2.0, 1.0, 1.2)
OTHER_STATUSES = ("Dormant", "Onboarding")
CLIENT_DAYS = 548  # clients were added over the last 18 months
ACTIVITY_DAYS = 183  # activities cover the last 6 months
PARTNER_DAYS = 3 * 365
ORPHAN_CLIENTS = 5
# Chances before the clients too recent to have done it yet: ~55% repurposed and
# ~10% churned in the end.
REPURPOSED_CHANCE = 0.66
CHURN_CHANCE = 0.18
NO_NOTES_SHARE = 0.08
ACTIVITY_TYPES = ("Task", "Event", "Call", "Email")
ACTIVITY_TYPE_SHARES = (0.40, 0.15, 0.25, 0.20)

BASE62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8
)
CHECKSUM_CHARS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", np.uint8)
DIGITS = BASE62[:10]

SURNAMES = tuple(
    """
    Hartley Cole Ashworth Pemberton Whitfield Baxter Fairbairn Holloway Kendrick
    Lockwood Marsden Norcott Oakley Prescott Radcliffe Sutcliffe Thornton
    Underwood Wainwright Yardley Armitage Blackwood Cartwright Dunmore Ellison
    Fenwick Gresham Hargreaves Ingram Jessop Kershaw Lowther Milburn Nightingale
    Ormerod Pickering Quarmby Rowntree Sheridan Tennant Villiers Walsh Abbott
    Brennan Carmichael Davenport Eastwood Fletcher Goodwin Hathaway
    """.split()
)
TOWNS = tuple(
    """
    Harrogate Chester Bath Ludlow Kendal Truro Whitby Ely Durham Malvern Stamford
    Hexham Ripon Shrewsbury Colchester Canterbury Lichfield Salisbury Taunton
    Wells
    """.split()
)
PRACTICE_SUFFIXES = (
    "Accountants",
    "Chartered Accountants",
    "& Co",
    "LLP",
    "Bookkeeping",
    "Tax & Accounts",
    "Associates",
    "Accountancy Ltd",
    "Business Advisers",
    "Partners",
)
FIRST_NAMES = tuple(
    """
    Amelia Oliver Isla George Ava Harry Mia Jack Grace Charlie Sophie Alfie Ella
    Freddie Lily Arthur Chloe Oscar Emily Henry Ruby Leo Evie Archie Poppy Theo
    Rosie Noah Imogen Samuel
    """.split()
)
BUSINESS_WORDS = tuple(
    """
    Brightwater Oakfield Riverside Northgate Kingfisher Greenway Redbrick
    Silverline Meadowbank Stonebridge Hillcrest Larkspur Foxglove Harbour
    Copperleaf Highfield Ashgrove Bluebell Westbrook Thistle Juniper Millstone
    Parkside Rosewood
    """.split()
)
TRADES = (
    "Plumbing",
    "Bakery",
    "Dental Practice",
    "Joinery",
    "Electrical",
    "Cafe",
    "Landscaping",
    "Physio",
    "Print Studio",
    "Motors",
    "Builders",
    "Florist",
    "Veterinary",
    "Design",
    "Lettings",
    "Catering",
    "Roofing",
    "Opticians",
    "Pharmacy",
    "Fitness",
    "Cleaning Services",
    "IT Support",
    "Brewery",
    "Salon",
)
COMPANY_SUFFIXES = ("Ltd", "Limited", "LLP", "& Sons", "Co")

TASK_SUBJECTS = (
    "Follow up on payroll migration",
    "Send onboarding pack",
    "Chase signed agreement",
    "Review client list for repurposing",
    "Book training for new staff",
    "Prepare QBR deck",
    "Update business plan aim",
    "Send bank feed guide",
    "Check VAT return setup",
    "Share pricing for bulk move",
)
EVENT_SUBJECTS = (
    "Quarterly business review",
    "Practice visit",
    "Partner training session",
    "Webinar: Making Tax Digital",
    "Lunch with practice manager",
    "Product demo",
)
CALL_SUBJECTS = (
    "Call: monthly check-in",
    "Call: migration blockers",
    "Call: pricing question",
    "Call: training follow-up",
    "Call: new client batch",
)
EMAIL_SUBJECTS = (
    "Email: webinar invite",
    "Email: migration checklist",
    "Email: release notes",
    "Email: plan recap",
    "Email: referral offer",
)
COMMENT_OPENERS = (
    "Spoke to the practice manager",
    "Met both partners",
    "Left a voicemail, then emailed",
    "Quick call with the payroll lead",
    "Caught up with the senior bookkeeper",
    "Reviewed their client list together",
)
COMMENT_MIDDLES = (
    ", they want to move the sole traders first",
    ', said the new bank feeds are "a game changer"',
    ", concerned about year-end timing, agreed to wait until March",
    ", 12 clients ready to move, 4 need VAT set up first",
    ", asked for pricing on bulk moves, sent the sheet",
    ', feedback: "too many clicks" on invoicing',
    ", training booked for two new starters",
    "; no blockers, happy with support",
)
COMMENT_CLOSERS = (
    ".",
    ". Follow up next week.",
    ".\nNext step: send the migration checklist.",
    ". Will chase on Friday.",
    ". Sent a recap email.",
    ", all fine.",
    ". Good call overall.",
    ".\nActions:\n- share case study\n- book QBR",
)
NOTES_COMMENTS = (
    "Running notes\n- Aim agreed at QBR, tracking monthly\n- Payroll is the blocker",
    'Notes\n- Partner said: "we\'ll move everyone by spring"\n- Two staff trained',
    "Key contacts: practice manager, senior bookkeeper\nPriorities: VAT, bank feeds",
    "Notes from visits, calls and QBRs\n- Fast-track candidates identified, 8 so far",
    "Relationship warm, slow to move clients\n- Next: joint webinar, pricing review",
)
ROLES = (
    "Partner",
    "Director",
    "Practice Manager",
    "Senior Bookkeeper",
    "Payroll Lead",
    "Client Manager",
    "Accounts Assistant",
)
PLAN_STATUSES = ("On Track", "At Risk", "Off Track", "Draft")


@dataclass
class Partners:
    """The generated partners as columns (one entry per partner)."""

    ids: np.ndarray  # (n, 15) uint8: the 15-character ids
    manager: np.ndarray  # index into ACCOUNT_MANAGERS
    league: np.ndarray  # index into LEAGUES, len(LEAGUES) for none
    status: pa.Array
    aim: pa.Array
    created: np.ndarray  # days since 1970-01-01
    size: np.ndarray  # relative number of clients

    def __len__(self) -> int:
        return len(self.manager)


@dataclass
class Clients:
    """What the quotas need from the generated clients."""

    owner: np.ndarray  # partner index, -1 for the orphans
    added: np.ndarray  # days since 1970-01-01


def write_demo(
    out: Path,
    partners: int = 300,
    clients: int = 6000,
    activities: int | None = None,
    as_of: dt.date | None = None,
    seed: int = 7,
) -> list[Path]:
    """Write the six demo CSV exports into `out` and return their paths.

    `activities` defaults to 3 per client and `as_of` (the last day with data) to
    today; the same arguments always give the same bytes.
    """
    as_of = as_of or dt.date.today()
    activities = 3 * clients if activities is None else activities
    rng = np.random.default_rng(seed)
    today = _day(as_of)
    partner_cols = _draw_partners(rng, max(partners, 1), clients, today)
    client_table, client_cols = _clients_table(rng, partner_cols, clients, today)
    tables = {
        "partners": _partners_table(rng, partner_cols),
        "clients": client_table,
        "activities": _activities_table(rng, partner_cols, activities, today),
        "quotas": _quotas_table(rng, partner_cols, client_cols, as_of),
        "account_plans": _plans_table(rng, partner_cols, as_of),
        "contacts": _contacts_table(rng, partner_cols, today),
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = out / f"{name}.csv"
        pacsv.write_csv(table, path)
        written.append(path)
    return written


# --- partners -------------------------------------------------------------------


def _draw_partners(
    rng: np.random.Generator, n: int, clients: int, today: int
) -> Partners:
    league = rng.choice(len(LEAGUE_SHARES), n, p=LEAGUE_SHARES)
    key = league < len(KEY_LEAGUES)
    # Key Account Management mostly in the top leagues; a few blank or other.
    status_p = np.where(
        key[:, None], [0.55, 0.15, 0.12, 0.13, 0.05], [0.08, 0.22, 0.25, 0.40, 0.05]
    )
    status_index = _choice_rows(rng, status_p)
    status = pa.array([*STATUSES, None]).take(status_index)
    other = (status_index == 4) & (rng.random(n) < 0.5)
    status = pc.if_else(
        pa.array(other),
        pa.array(OTHER_STATUSES).take(rng.integers(0, len(OTHER_STATUSES), n)),
        status,
    )
    size = np.take(LEAGUE_SIZE, league) * rng.lognormal(0.0, 0.5, n)
    # Aims a little above or below what each partner's clients would repurpose.
    expected_clients = clients * size / size.sum()
    aim_value = np.clip(np.round(expected_clients * rng.uniform(0.35, 1.1, n)), 5, 80)
    aim_kind = rng.random(n)  # ~6% empty, ~4% zero
    aim = pa.array(
        np.where(aim_kind < 0.04, 0, aim_value).astype(np.int64), mask=aim_kind > 0.94
    )
    return Partners(
        ids=_ids("0014J0000", _scrambled(rng, n, 6)),
        manager=rng.choice(len(ACCOUNT_MANAGERS), n, p=(0.24, 0.22, 0.20, 0.18, 0.16)),
        league=league,
        status=status,
        aim=aim,
        created=today - rng.integers(0, PARTNER_DAYS, n),
        size=size,
    )


def _partners_table(rng: np.random.Generator, p: Partners) -> pa.Table:
    league_names = pa.array([*LEAGUES, None])
    return pa.table(
        {
            "Account ID": _strings(p.ids),
            "Account Name": _practice_names(rng, len(p)),
            "Account Owner": pa.array(ACCOUNT_MANAGERS).take(p.manager),
            "League Table": league_names.take(p.league),
            "RB Account Status": p.status,
            "Business Plan Aim": p.aim,
            "Created Date": _dates(p.created),
        }
    )


def _practice_names(rng: np.random.Generator, n: int) -> pa.Array:
    """Accounting practice names, distinct while the combinations last."""
    pool = [
        f"{a} & {b} {s}"
        for a, b in itertools.permutations(SURNAMES, 2)
        for s in PRACTICE_SUFFIXES
    ]
    pool += [f"{a} {s}" for a in (*SURNAMES, *TOWNS) for s in PRACTICE_SUFFIXES]
    return pa.array(pool).take(rng.choice(len(pool), n, replace=n > len(pool)))


# --- clients --------------------------------------------------------------------


def _clients_table(
    rng: np.random.Generator, p: Partners, n: int, today: int
) -> tuple[pa.Table, Clients]:
    owner = rng.choice(len(p), n, p=p.size / p.size.sum())
    # A growing trend: the density rises from 1 to 3 over the 18 months.
    u = rng.random(n)
    t = (np.sqrt(1 + 8 * u) - 1) / 2
    added = today - np.floor((1 - t) * CLIENT_DAYS).astype(np.int64)
    created = p.created[owner]
    late = added < created
    added = np.where(late, _between(rng, created, today, n), added)
    added = _weekday(added.astype(np.int64))
    added.sort()  # CRNs are handed out in the order clients arrive

    delay = 3 + np.minimum(rng.gamma(1.5, 20.0, n), 117).astype(np.int64)
    repurposed = _weekday(added + delay)
    has_repurposed = (rng.random(n) < REPURPOSED_CHANCE) & (repurposed <= today)
    churned = added + 1 + np.floor(rng.exponential(150.0, n)).astype(np.int64)
    has_churned = (rng.random(n) < CHURN_CHANCE) & (churned <= today)
    _churn_this_week(rng, owner, added, churned, has_churned, today)
    has_repurposed &= ~has_churned | (repurposed <= churned)

    orphans = rng.choice(n, min(ORPHAN_CLIENTS, n // 10), replace=False)
    owner[orphans] = -1
    pence = np.round(rng.lognormal(np.log(2800), 0.45, n)).astype(np.int64)
    table = pa.table(
        {
            "CRN": _strings(_coded("CRN", 10_000_001 + np.arange(n), 8, DIGITS)),
            "Account ID": _partner_refs(rng, p, owner, share_18=0.15),
            "Opportunity Name": _client_names(rng, n),
            "Created Date": _dates(added),
            "Repurposed Date": _dates(repurposed, ~has_repurposed),
            "Churned Date": _dates(churned, ~has_churned),
            "Amount": _money(pence, rng.random(n) < 0.02),
        }
    )
    return table, Clients(owner=owner, added=added)


def _churn_this_week(
    rng: np.random.Generator,
    owner: np.ndarray,
    added: np.ndarray,
    churned: np.ndarray,
    has_churned: np.ndarray,
    today: int,
) -> None:
    """Make up to three partners lose 2-3 clients each in the as-of week (in place)."""
    monday = today - _weekday_of(today)
    candidate = (added < monday) & ~has_churned
    counts = np.bincount(owner[candidate], minlength=owner.max(initial=0) + 1)
    for partner in np.flatnonzero(counts >= 3)[:3]:
        rows = np.flatnonzero(candidate & (owner == partner))[: rng.integers(2, 4)]
        churned[rows] = monday + rng.integers(0, today - monday + 1, len(rows))
        has_churned[rows] = True


def _client_names(rng: np.random.Generator, n: int) -> pa.Array:
    pool = [
        f"{w} {t} {s}" for w in BUSINESS_WORDS for t in TRADES for s in COMPANY_SUFFIXES
    ]
    return pa.array(pool).take(rng.integers(0, len(pool), n))


# --- activities -----------------------------------------------------------------


def _activities_table(
    rng: np.random.Generator, p: Partners, n: int, today: int
) -> pa.Table:
    notes = _notes_tasks(rng, p, today).slice(0, max(n, 0))
    general = _general_activities(rng, p, n - notes.num_rows, today)
    table = pa.concat_tables([notes] if general is None else [notes, general])
    number = rng.permutation(len(table))
    prefix = pc.if_else(pc.equal(table["Type"], "Event"), "00U4J0000", "00T4J0000")
    ids = pc.binary_join_element_wise(
        prefix,
        _strings(_coded("", _scrambled(rng, len(table), 6)[number], 6, BASE62)),
        "",
    )
    table = table.add_column(0, "Activity ID", ids)
    order = np.lexsort((number, table["Date"].cast(pa.int32()).to_numpy()))
    return table.take(order)


def _notes_tasks(rng: np.random.Generator, p: Partners, today: int) -> pa.Table:
    """One open `Account Management Notes` task per partner, except ~8%: of those,
    a third have a completed or misspelt one instead."""
    n = len(p)
    missing = rng.random(n) < NO_NOTES_SHARE
    broken = missing & (rng.random(n) < 0.35)
    rows = np.flatnonzero(~missing | broken)
    broken = broken[rows]
    misspelt = broken & (rng.random(len(rows)) < 0.5)
    subject = pc.if_else(pa.array(misspelt), "Account Mgmt Notes", NOTES_SUBJECT)
    status = pa.array(["Not Started", "In Progress"]).take(
        rng.integers(0, 2, len(rows))
    )
    completed_notes = broken & ~misspelt
    status = pc.if_else(pa.array(completed_notes), "Completed", status)
    day = _weekday(today - rng.integers(20, ACTIVITY_DAYS, len(rows)))
    return pa.table(
        {
            "Account ID": _partner_refs(rng, p, rows, share_18=0.10),
            "Assigned": pa.array(ACCOUNT_MANAGERS).take(p.manager[rows]),
            "Type": pa.array(["Task"] * len(rows)),
            "Subject": subject,
            "Status": status,
            "Date": _dates(day),
            "Completed Date": _dates(np.minimum(day + 10, today), ~completed_notes),
            "Comments": pa.array(NOTES_COMMENTS).take(
                rng.integers(0, len(NOTES_COMMENTS), len(rows))
            ),
        }
    )


def _general_activities(
    rng: np.random.Generator, p: Partners, n: int, today: int
) -> pa.Table | None:
    """Tasks, events, calls and emails over the last 6 months. ~2% of partners are
    never touched and ~10% more are quiet (no touch in the last 35 days); ~15% have
    overdue tasks, and other open tasks fall due in the next two weeks."""
    if n <= 0:
        return None
    draw = rng.random(len(p))
    weight = np.sqrt(p.size) * (draw >= 0.02)
    if not weight.any():
        weight = np.ones(len(p))
    owner = rng.choice(len(p), n, p=weight / weight.sum())
    quiet = (draw < 0.12)[owner]
    may_be_overdue = (rng.random(len(p)) < 0.15)[owner]
    kind = rng.choice(len(ACTIVITY_TYPES), n, p=ACTIVITY_TYPE_SHARES)
    task, event = kind == 0, kind == 1

    u = rng.random(n)
    day = np.where(
        quiet,
        today - 35 - np.floor(u * (ACTIVITY_DAYS - 35)),
        today - np.floor(u * ACTIVITY_DAYS),
    )
    day = _weekday(day.astype(np.int64))
    open_task = task & (rng.random(n) < 0.05)
    soon = today + rng.integers(1, 15, n)
    overdue = today - rng.integers(1, 60, n)
    day = np.where(open_task, np.where(may_be_overdue, overdue, soon), day)
    future_event = event & (rng.random(n) < 0.03)
    day = np.where(future_event, soon, day)

    done = ~open_task & ~event
    completed = np.minimum(day + np.where(task, rng.integers(0, 4, n), 0), today)
    status = pc.if_else(
        pa.array(open_task),
        pa.array(["Not Started", "In Progress"]).take(rng.integers(0, 2, n)),
        pc.if_else(pa.array(event), pa.scalar(None, pa.string()), "Completed"),
    )
    manager = np.where(
        rng.random(n) < 0.03,
        rng.integers(0, len(ACCOUNT_MANAGERS), n),
        p.manager[owner],
    )
    return pa.table(
        {
            "Account ID": _partner_refs(rng, p, owner, share_18=0.10),
            "Assigned": pa.array(ACCOUNT_MANAGERS).take(manager),
            "Type": pa.array(ACTIVITY_TYPES).take(kind),
            "Subject": _subjects(rng, kind),
            "Status": status,
            "Date": _dates(day),
            "Completed Date": _dates(completed, ~done),
            "Comments": _comments(rng, n),
        }
    )


def _subjects(rng: np.random.Generator, kind: np.ndarray) -> pa.Array:
    pools = (TASK_SUBJECTS, EVENT_SUBJECTS, CALL_SUBJECTS, EMAIL_SUBJECTS)
    flat = [s for pool in pools for s in pool]
    starts = np.cumsum([0, *(len(pool) for pool in pools)])[:-1]
    sizes = np.array([len(pool) for pool in pools])
    pick = starts[kind] + np.floor(rng.random(len(kind)) * sizes[kind]).astype(np.int64)
    return pa.array(flat).take(pick)


def _comments(rng: np.random.Generator, n: int) -> pa.Array:
    """Comments with commas, quotes and some newlines; ~15% empty."""
    pool = [
        a + b + c
        for a in COMMENT_OPENERS
        for b in COMMENT_MIDDLES
        for c in COMMENT_CLOSERS
    ]
    pick = pa.array(rng.integers(0, len(pool), n), mask=rng.random(n) < 0.15)
    return pa.array(pool).take(pick)


# --- quotas, plans, contacts ----------------------------------------------------


def _quotas_table(
    rng: np.random.Generator, p: Partners, c: Clients, as_of: dt.date
) -> pa.Table:
    """Targets for the last 6 months, this month and the next 3: past ones near what
    each AM added, later ones above last month's adds so that pace varies by AM; one
    AM has no target for this month."""
    this_month = dates.month(as_of).start
    months = [dates.add_months(this_month, k) for k in range(-6, 4)]
    past = _monthly_adds(p, c, months[:7])
    ams = len(ACCOUNT_MANAGERS)
    ahead = past[:, -1:] * 1.04 ** np.arange(1, 5) * rng.uniform(0.95, 1.45, (ams, 4))
    past = past * rng.uniform(0.85, 1.2, past.shape)
    target = np.maximum(np.round(np.hstack([past, ahead])), 1).astype(np.int64)
    am, month = np.divmod(np.arange(ams * len(months)), len(months))
    keep = ~((am == ams - 1) & (month == 6))
    return pa.table(
        {
            "Account Manager": pa.array(ACCOUNT_MANAGERS).take(am[keep]),
            "Month": pa.array([m.strftime("%Y-%m") for m in months]).take(month[keep]),
            "Target": pa.array(target.ravel()[keep]),
        }
    )


def _monthly_adds(p: Partners, c: Clients, months: list[dt.date]) -> np.ndarray:
    """Clients added per AM (rows) in each month (columns) from `months[0]` up to
    the start of the last one."""
    edges = np.array([_day(m) for m in months])
    known = c.owner >= 0
    month = np.searchsorted(edges, c.added[known], side="right") - 1
    inside = (month >= 0) & (month < len(months) - 1)
    cell = p.manager[c.owner[known][inside]] * (len(months) - 1) + month[inside]
    counts = np.bincount(cell, minlength=len(ACCOUNT_MANAGERS) * (len(months) - 1))
    return counts.reshape(len(ACCOUNT_MANAGERS), len(months) - 1).astype(float)


def _plans_table(rng: np.random.Generator, p: Partners, as_of: dt.date) -> pa.Table:
    """Account plans for ~40% of partners (~75% of key ones), made this or last
    quarter."""
    today = _day(as_of)
    quarter = dates.quarter(as_of)
    previous = _day(dates.add_months(quarter.start, -3))
    key = (p.league < len(KEY_LEAGUES)) | pc.equal(p.status, KEY_STATUS).fill_null(
        False
    ).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(rng.random(len(p)) < np.where(key, 0.75, 0.30))
    n = len(rows)
    created = _between(rng, previous, today, n)
    updated = _between(rng, created, today, n)
    aim = p.aim.fill_null(20).to_numpy()[rows]
    goal = np.round(np.maximum(aim, 10) * rng.uniform(250, 600, n), -2).astype(np.int64)
    ratio = rng.uniform(0.35, 1.2, n)
    draft = rng.random(n) < 0.10
    status = np.select([draft, ratio >= 0.9, ratio >= 0.7], [3, 0, 1], default=2)
    review = updated + rng.integers(30, 91, n)
    top = np.where(draft, 3, 7)
    return pa.table(
        {
            "plan_id": _strings(_ids("a0P4J0000", _scrambled(rng, n, 6))),
            "partner_id": _strings(p.ids[rows]),
            "account_manager": pa.array(ACCOUNT_MANAGERS).take(p.manager[rows]),
            "created_date": _dates(created),
            "last_updated": _dates(updated),
            "revenue_goal": _money(goal * 100),
            "current_amount": _money(np.round(goal * ratio * 100).astype(np.int64)),
            "status": pa.array(PLAN_STATUSES).take(status),
            "next_review_date": _dates(review),
            "objectives": pa.array(rng.integers(0, top)),
            "strategies": pa.array(rng.integers(0, top)),
            "activities": pa.array(rng.integers(0, top)),
        }
    )


def _contacts_table(rng: np.random.Generator, p: Partners, today: int) -> pa.Table:
    """1-4 contacts per partner; the first is an Admin."""
    per_partner = rng.integers(1, 5, len(p))
    owner = np.repeat(np.arange(len(p)), per_partner)
    n = len(owner)
    first = np.r_[0, np.cumsum(per_partner)[:-1]]
    is_first = np.zeros(n, bool)
    is_first[first] = True
    privilege = np.where(is_first, 0, rng.choice(3, n, p=(0.10, 0.70, 0.20)))
    training = rng.choice(3, n, p=(0.35, 0.25, 0.40))
    trained = today - rng.integers(0, CLIENT_DAYS, n)
    names = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    return pa.table(
        {
            "contact_id": _strings(_ids("0034J0000", _scrambled(rng, n, 6))),
            "partner_id": _strings(p.ids[owner]),
            "contact_name": pa.array(names).take(rng.integers(0, len(names), n)),
            "role": pa.array(ROLES).take(rng.integers(0, len(ROLES), n)),
            "privilege": pa.array(["Admin", "Standard", "Read only"]).take(privilege),
            "training_status": pa.array(["Not enrolled", "Enrolled", "Completed"]).take(
                training
            ),
            "training_completed_date": _dates(trained, training != 2),
        }
    )


# --- column helpers -------------------------------------------------------------


def _day(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - dt.date(1970, 1, 1)).days


def _weekday_of(days: np.ndarray | int) -> np.ndarray | int:
    """Monday 0 ... Sunday 6 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def _weekday(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays back to the Friday before."""
    return days - np.maximum(_weekday_of(days) - 4, 0)


def _dates(days: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, np.int32), mask=missing).cast(pa.date32())


def _money(pence: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """Non-negative amounts in pence as a two-decimal column (written `12.50`)."""
    values = np.column_stack([pence, np.zeros_like(pence)]).astype(np.int64).ravel()
    valid = None if missing is None else pa.array(~missing).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(18, 2), len(pence), [valid, pa.py_buffer(values)]
    )


def _between(
    rng: np.random.Generator, first: np.ndarray | int, last: np.ndarray | int, n: int
) -> np.ndarray:
    """A day drawn uniformly from `first` to `last` (both included) for each row."""
    span = np.asarray(last) - np.asarray(first) + 1
    return np.asarray(first) + np.floor(rng.random(n) * span).astype(np.int64)


def _choice_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row, each row with its own probabilities."""
    cumulative = np.cumsum(probabilities, axis=1)
    return (rng.random((len(cumulative), 1)) > cumulative).sum(axis=1)


def _scrambled(rng: np.random.Generator, n: int, digits: int) -> np.ndarray:
    """n distinct numbers below 62**digits that do not look sequential."""
    space = 62**digits
    stride = 387_420_489  # 3**18: shares no factor with 62**digits
    return (rng.integers(0, space) + np.arange(n, dtype=np.int64) * stride) % space


def _coded(
    prefix: str, numbers: np.ndarray, width: int, alphabet: np.ndarray
) -> np.ndarray:
    """`prefix` then each number in `width` characters of `alphabet`, as an
    (n, len(prefix) + width) uint8 matrix (a loop over characters, not rows)."""
    head = np.frombuffer(prefix.encode(), np.uint8)
    out = np.empty((len(numbers), len(head) + width), np.uint8)
    out[:, : len(head)] = head
    rest = np.asarray(numbers, np.int64).copy()
    base = len(alphabet)
    for column in range(len(head) + width - 1, len(head) - 1, -1):
        out[:, column] = alphabet[rest % base]
        rest //= base
    return out


def _ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """15-character Salesforce-style ids as an (n, 15) uint8 matrix."""
    return _coded(prefix, numbers, 15 - len(prefix), BASE62)


def _with_checksum(ids: np.ndarray) -> np.ndarray:
    """The 18-character form: each 5-character chunk adds one character whose bits
    mark the chunk's upper-case letters (Salesforce's own rule)."""
    upper = (ids >= ord("A")) & (ids <= ord("Z"))
    flags = (upper.reshape(len(ids), 3, 5) * (1 << np.arange(5))).sum(axis=2)
    return np.hstack([ids, CHECKSUM_CHARS[flags]])


def _strings(matrix: np.ndarray) -> pa.Array:
    """Each row of a fixed-width uint8 matrix as one string, without a copy per row."""
    rows, width = matrix.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix)
    return pa.Array.from_buffers(
        pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _partner_refs(
    rng: np.random.Generator, p: Partners, owner: np.ndarray, share_18: float
) -> pa.Array:
    """The partner id each row points at: a share in the 18-character form, and
    ids of partners that do not exist where `owner` is -1."""
    ghosts = _ids("0014J0001", _scrambled(rng, 8, 6))
    ids = np.vstack([p.ids, ghosts])
    index = np.where(owner < 0, len(p) + (np.arange(len(owner)) % len(ghosts)), owner)
    short = _strings(ids[index])
    long = _strings(_with_checksum(ids[index]))
    return pc.if_else(pa.array(rng.random(len(owner)) < share_18), long, short)
