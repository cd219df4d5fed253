"""The seven input tables as data, and the domain constants every module shares.

Nothing here runs a query: ingest, store and the subject modules read these
definitions so that a column, an alias or a league name lives in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

# Column types: text, date, int (integer >= 0 where nonneg), decimal.
TEXT, DATE, INT, DECIMAL = "text", "date", "int", "decimal"
DUCKDB_TYPES = {TEXT: "VARCHAR", DATE: "DATE", INT: "BIGINT", DECIMAL: "DOUBLE"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    unique: bool = False
    nonneg: bool = False
    default: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    required: bool
    columns: tuple[Column, ...]
    # Date pairs (earlier, later): the later may not come before the earlier.
    date_order: tuple[tuple[str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def id_column(self) -> str | None:
        return next((c.name for c in self.columns if c.unique), None)


def normalise_header(header: str) -> str:
    """`Account: Account Name` -> `accountname`: case, spaces, punctuation and an
    `Object:` prefix do not matter when matching headers."""
    text = header.replace("\ufeff", "").replace("\xa0", " ").strip()
    text = re.sub(r"^[A-Za-z][A-Za-z0-9 _]*:\s*(?=\S)", "", text)
    return re.sub(r"[\W_]+", "", text.lower())


PARTNERS = Table(
    "partners",
    "Partners",
    True,
    (
        Column(
            "partner_id",
            TEXT,
            True,
            ("Account ID", "AccountId", "Id", "Partner ID"),
            unique=True,
        ),
        Column("partner_name", TEXT, True, ("Account Name", "Name", "Partner Name")),
        Column(
            "account_manager",
            TEXT,
            True,
            (
                "Account Owner",
                "Owner Name",
                "Owner",
                "Account Manager",
                "AM",
                "OwnerId",
            ),
        ),
        Column("league", TEXT, False, ("League Table", "League")),
        Column("account_status", TEXT, False, ("RB Account Status", "Account Status")),
        Column(
            "business_plan_aim",
            INT,
            False,
            ("Business Plan Aim", "Plan Aim"),
            nonneg=True,
        ),
        Column("created_date", DATE, False, ("Created Date", "CreatedDate")),
    ),
)

CLIENTS = Table(
    "clients",
    "Clients",
    True,
    (
        Column(
            "client_id",
            TEXT,
            True,
            ("CRN", "Client Reference Number", "Opportunity ID", "Client ID", "Id"),
            unique=True,
        ),
        Column("partner_id", TEXT, True, ("Account ID", "AccountId", "Partner ID")),
        Column("client_name", TEXT, False, ("Opportunity Name", "Client Name", "Name")),
        Column(
            "added_date",
            DATE,
            True,
            ("Created Date", "CreatedDate", "Added Date", "Date Added"),
        ),
        Column("repurposed_date", DATE, False, ("Repurposed Date", "Date Repurposed")),
        Column(
            "churned_date", DATE, False, ("Churned Date", "Churn Date", "Lost Date")
        ),
        Column(
            "monthly_value",
            DECIMAL,
            False,
            ("Amount", "Monthly Value", "MRR"),
            nonneg=True,
        ),
    ),
    date_order=(("added_date", "repurposed_date"), ("added_date", "churned_date")),
)

ACTIVITIES = Table(
    "activities",
    "Activities",
    True,
    (
        Column(
            "activity_id",
            TEXT,
            True,
            ("Activity ID", "Task ID", "Event ID", "Id"),
            unique=True,
        ),
        Column("partner_id", TEXT, True, ("Account ID", "AccountId", "Related To ID")),
        Column(
            "account_manager",
            TEXT,
            True,
            ("Assigned", "Assigned To", "Owner Name", "OwnerId"),
        ),
        Column(
            "activity_type",
            TEXT,
            False,
            ("Type", "Task/Event", "Activity Type"),
            default="Task",
        ),
        Column("subject", TEXT, False, ("Subject",)),
        Column("status", TEXT, False, ("Status",)),
        Column(
            "activity_date",
            DATE,
            True,
            ("Date", "Activity Date", "Due Date", "Start Date"),
        ),
        Column(
            "completed_date", DATE, False, ("Completed Date", "Completed Date/Time")
        ),
        Column("comments", TEXT, False, ("Comments", "Description", "Full Comments")),
    ),
)

QUOTAS = Table(
    "quotas",
    "Quotas",
    False,
    (
        Column(
            "account_manager",
            TEXT,
            True,
            ("Account Manager", "AM", "Owner Name", "Owner", "OwnerId"),
        ),
        # YYYY-MM or any date in the month; stored as the month's first day.
        Column("month", DATE, True, ("Month", "Period")),
        Column(
            "clients_target",
            INT,
            True,
            ("Target", "Clients Target", "Quota"),
            nonneg=True,
        ),
    ),
)

ACCOUNT_PLANS = Table(
    "account_plans",
    "Account plans",
    False,
    (
        Column(
            "plan_id", TEXT, True, ("Plan ID", "Account Plan ID", "Id"), unique=True
        ),
        Column("partner_id", TEXT, True, ("Account ID", "AccountId", "Partner ID")),
        Column(
            "account_manager",
            TEXT,
            False,
            ("Plan Owner", "Owner Name", "Owner", "Account Manager", "OwnerId"),
        ),
        Column("created_date", DATE, False, ("Created Date", "CreatedDate")),
        Column(
            "last_updated",
            DATE,
            False,
            ("Last Updated", "Last Modified Date", "LastModifiedDate"),
        ),
        Column("revenue_goal", DECIMAL, False, ("Revenue Goal", "Goal"), nonneg=True),
        Column(
            "current_amount", DECIMAL, False, ("Current Amount", "Amount"), nonneg=True
        ),
        Column("status", TEXT, False, ("Status", "Plan Status")),
        Column(
            "next_review_date",
            DATE,
            False,
            ("Next Review Date", "Next Review", "QBR Date"),
        ),
        Column("objectives", INT, False, ("Objectives",), nonneg=True),
        Column("strategies", INT, False, ("Strategies",), nonneg=True),
        Column("activities", INT, False, ("Activities",), nonneg=True),
    ),
)

CONTACTS = Table(
    "contacts",
    "Contacts",
    False,
    (
        Column(
            "contact_id", TEXT, True, ("Contact ID", "ContactId", "Id"), unique=True
        ),
        Column("partner_id", TEXT, True, ("Account ID", "AccountId", "Partner ID")),
        Column("contact_name", TEXT, False, ("Contact Name", "Full Name", "Name")),
        Column("role", TEXT, False, ("Role", "Title")),
        Column("privilege", TEXT, False, ("Privilege", "Privileges", "User Privilege")),
        Column("training_status", TEXT, False, ("Training Status",)),
        Column(
            "training_completed_date",
            DATE,
            False,
            ("Training Completed Date", "Training Completed"),
        ),
    ),
)

USERS = Table(
    "users",
    "Users",
    False,
    (
        Column("user_id", TEXT, True, ("User ID", "UserId", "Id"), unique=True),
        Column("name", TEXT, True, ("Full Name", "Name", "User Name")),
        Column("email", TEXT, False, ("Email", "Email Address")),
        Column("manager", TEXT, False, ("Manager", "Manager Name", "ManagerId")),
        Column("role", TEXT, False, ("Role", "App Role")),
        Column("is_active", TEXT, False, ("Active", "IsActive", "Is Active")),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (PARTNERS, CLIENTS, ACTIVITIES, QUOTAS, ACCOUNT_PLANS, CONTACTS, USERS)
}
REQUIRED_TABLES = tuple(name for name, t in TABLES.items() if t.required)

# Targets typed into the app; they survive quota uploads and override the file
# for the same account manager and month.
MANUAL_QUOTAS = Table(
    "manual_quotas",
    "Targets entered in the app",
    False,
    QUOTAS.columns,
)

# --- domain facts -------------------------------------------------------------
LEAGUES = ("Champions League", "Premiership", "1st Division", "2nd Division")
NO_LEAGUE = "No league"
STATUSES = ("Key Account Management", "Handover", "Fast-Track", "Active in AM")
KEY_LEAGUES = ("Champions League", "Premiership")
KEY_STATUS = "Key Account Management"
UNKNOWN_PARTNER = "(unknown partner)"
NOTES_SUBJECT = "Account Management Notes"
TOUCH_TYPES = ("Event", "Call", "Email")
TRAINING_STATUSES = ("Not enrolled", "Enrolled", "Completed")
PLACEHOLDER_IDS = ("000000000000000AAA", "000000000000000", "#N/A")
ATTENTION_REASONS = (
    "no touch in 30+ days",
    "no notes task",
    "overdue task",
    "churn this week",
)
DEFAULT_NO_TOUCH_DAYS = 30
# Days allowed between touches per league before a partner is outside its cadence.
DEFAULT_CADENCE_DAYS = {
    "Champions League": 14,
    "Premiership": 21,
    "1st Division": 30,
    "2nd Division": 45,
    NO_LEAGUE: 30,
}


def league_name(value: object) -> str:
    """A partner's league as shown: missing or blank (None, NaN, '', spaces) is
    `No league` (in SQL, the `league_name` macro)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NO_LEAGUE
    return str(value) if str(value).strip() else NO_LEAGUE


def league_names(leagues: pd.Series) -> pd.Series:
    """`league_name` of every value of a column."""
    return leagues.map(league_name)


def league_rank_sql(column: str) -> str:
    """SQL ranking a league column in report order: none, the four, then others."""
    whens = " ".join(
        f"when {column} = '{name}' then {i + 1}" for i, name in enumerate(LEAGUES)
    )
    return f"case when {column} is null or {column} = '' then 0 {whens} else 9 end"


def status_rank_sql(column: str) -> str:
    """SQL ranking an account status column: the four statuses, then all others."""
    whens = " ".join(
        f"when {column} = '{name}' then {i}" for i, name in enumerate(STATUSES)
    )
    return f"case {whens} else 9 end"
