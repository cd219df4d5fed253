"""The QBR pack (one partner) and the 1:1 pack (one account manager), SPEC 9, as
PowerPoint with native, editable charts and as PDF from the digest's templates.

A pack is built once as data (`Pack`: sections of facts, a chart and a table, every
figure from the subject modules) and then written by either renderer, so the PPTX
and the PDF always show the same figures."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from analytics import (
    access,
    activity,
    churn,
    dates,
    metrics,
    partners,
    plans,
    quota,
    repurposing,
    store,
)
from analytics.chart_images import Chart, render
from analytics.digest import Table, data_uri, reasons_text, templates
from analytics.metrics import count, decimal, money, percent, rate
from analytics.schema import NOTES_SUBJECT, TRAINING_STATUSES, league_name

RECENT_ACTIVITIES = 8
COHORT_MONTHS = 6
TABLE_ROWS = 8  # rows of a table under a chart on one slide or page; the rest counted
LONG_TABLE_ROWS = 15  # rows of a table alone on its slide


@dataclass
class Section:
    """One slide (PPTX) or one block (PDF): labelled figures, a chart, a table."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    table: Table | None = None
    note: str = ""


@dataclass
class Pack:
    title: str
    subtitle: str
    sections: list[Section]


def day(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:%d %b %Y}"


def text(value: object) -> str:
    return "–" if value is None or pd.isna(value) or value == "" else str(value)


def _table(
    frame: pd.DataFrame,
    columns: dict,
    numeric: tuple[str, ...] = (),
    most: int = TABLE_ROWS,
) -> Table:
    """A Table of `frame`'s columns (name -> (label, format)), at most `most` rows."""
    shown = frame.head(most)
    rows = [
        [fmt(row[name]) for name, (_, fmt) in columns.items()]
        for _, row in shown.iterrows()
    ]
    names = list(columns)
    return Table(
        [label for label, _ in columns.values()],
        rows,
        {names.index(n) for n in numeric},
    )


def _more(frame: pd.DataFrame, what: str, most: int = TABLE_ROWS) -> str:
    extra = len(frame) - most
    return f"and {extra:,} more {what} (see the app)" if extra > 0 else ""


# --- QBR pack --------------------------------------------------------------------


def quarter_flow(
    clients: pd.DataFrame, as_of: dt.date, fiscal_start_month: int = 1
) -> pd.DataFrame:
    """Per month of D's quarter (up to D): the partner's clients added, repurposed
    and churned, each counted by its own date falling in the month and <= D (SPEC 4
    "in a period"), from partners.partner_clients."""
    rows = []
    for start in dates.quarter_months(as_of, fiscal_start_month):
        if start > as_of:
            break
        span = dates.Period(start, min(dates.month(start).end, as_of))
        rows.append(
            {
                "month": f"{start:%b %Y}",
                **{
                    kind: sum(
                        d is not None and d in span for d in clients[f"{kind}_date"]
                    )
                    for kind in ("added", "repurposed", "churned")
                },
            }
        )
    return pd.DataFrame(rows)


def qbr_pack(
    con: duckdb.DuckDBPyConnection,
    partner_id: str,
    as_of: dt.date,
    fiscal_start_month: int = 1,
) -> Pack:
    """The quarterly business review of one partner at D."""
    account = partners.partner_info(con, partner_id)
    if account is None:  # not in the dataset, or not in the viewer's books
        raise LookupError(f"No partner with the id {partner_id} in this book.")
    info = {**account, **partners.partner_info(con, partner_id, as_of)}
    pid = info["partner_id"]
    span = dates.quarter(as_of, fiscal_start_month)
    quarter_name = f"Q{(span.start.month - fiscal_start_month) % 12 // 3 + 1}"
    sections = [
        _account(info),
        _plan_progress(info),
        _quarter_clients(con, pid, as_of, fiscal_start_month, quarter_name),
        _cohort(con, pid, as_of),
        _activity(con, pid, as_of),
        _account_plan(con, pid, as_of, fiscal_start_month),
        _training(con, pid),
    ]
    return Pack(
        f"Quarterly business review: {info['partner_name']}",
        f"{quarter_name} {span.start:%b}–{span.end:%b %Y}, as of {as_of:%d %B %Y} · "
        f"account manager {text(info['account_manager'])}",
        sections,
    )


def _account(info: dict) -> Section:
    return Section(
        "Account",
        [
            ("Partner", text(info["partner_name"])),
            ("Partner ID", text(info["partner_id"])),
            ("Account manager", text(info["account_manager"])),
            ("League", league_name(info["league"])),
            ("Account status", text(info["account_status"])),
            ("Created", day(info["created_date"])),
        ],
    )


def _plan_progress(info: dict) -> Section:
    aim = info["business_plan_aim"]
    facts = [
        (metrics.label("clients_total"), count(info["clients_total"])),
        (metrics.label("clients_active"), count(info["clients_active"])),
        (metrics.label("clients_repurposed"), count(info["clients_repurposed"])),
        (metrics.label("business_plan_aim"), count(aim)),
        (metrics.label("plan_progress"), percent(info["plan_progress"])),
    ]
    chart = None
    if aim:
        facts.append(("Ready for the next stage", "yes" if info["is_ready"] else "no"))
        chart = Chart(
            "Repurposed clients against the business plan aim",
            [metrics.label("clients_repurposed"), metrics.label("business_plan_aim")],
            {"Clients": [info["clients_repurposed"], aim]},
        )
    return Section("Business plan progress", facts, chart)


def _quarter_clients(
    con: duckdb.DuckDBPyConnection,
    pid: str,
    as_of: dt.date,
    fiscal_start_month: int,
    quarter_name: str,
) -> Section:
    flow = quarter_flow(
        partners.partner_clients(con, pid, as_of), as_of, fiscal_start_month
    )
    kinds = {
        "added": metrics.axis("added"),
        "repurposed": "Clients repurposed",
        "churned": metrics.axis("churned"),
    }
    return Section(
        f"Clients added, repurposed and churned in {quarter_name}",
        [(f"{name} this quarter", count(flow[k].sum())) for k, name in kinds.items()],
        Chart(
            "Clients per month of the quarter (up to the as-of date)",
            flow["month"].tolist(),
            {name: flow[k].tolist() for k, name in kinds.items()},
        ),
    )


def _cohort(con: duckdb.DuckDBPyConnection, pid: str, as_of: dt.date) -> Section:
    cohorts = repurposing.cohorts(con, as_of, partner_id=pid).tail(COHORT_MONTHS)
    windows = repurposing.WINDOWS
    table = _table(
        cohorts,
        {
            "cohort_month": ("Month added", text),
            "clients_added": ("Clients added", count),
            **{f"rate_{w}": (f"Within {w} days", percent) for w in windows},
        },
        numeric=("clients_added", *(f"rate_{w}" for w in windows)),
    )
    return Section(
        "Repurposing cohorts",
        chart=Chart(
            "Share of each month's new clients repurposed within 30, 60 and 90 days",
            cohorts["cohort_month"].tolist(),
            {f"Within {w} days": cohorts[f"rate_{w}"].tolist() for w in windows},
            kind="line",
            percent=True,
        ),
        table=table,
        note="A month counts towards a window once its clients are that old; "
        "clients repurposed and churned later still count.",
    )


def _activity(con: duckdb.DuckDBPyConnection, pid: str, as_of: dt.date) -> Section:
    hygiene = activity.partner_hygiene(con, as_of)
    row = hygiene[hygiene["partner_id"] == pid].iloc[0]
    notes = partners.partner_notes_task(con, pid)
    notes_text = (
        f"open, dated {day(notes['activity_date'])}"
        if notes
        else f"none: create an open task named {NOTES_SUBJECT}"
    )
    recent = partners.partner_activities(con, pid, as_of).head(RECENT_ACTIVITIES)
    return Section(
        "Activity and the notes task",
        [
            (metrics.label("days_since_touch"), count(row["days_since_touch"])),
            ("Last touch", day(row["last_touch_date"])),
            (f"{NOTES_SUBJECT} task", notes_text),
            (metrics.label("overdue_tasks"), count(row["overdue_tasks"])),
            ("Needs attention", reasons_text(row["reasons"]) or "no"),
        ],
        table=_table(
            recent,
            {
                "activity_date": ("Date", day),
                "activity_type": ("Type", text),
                "subject": ("Subject", text),
                "status": ("Status", text),
            },
        ),
    )


def _account_plan(
    con: duckdb.DuckDBPyConnection, pid: str, as_of: dt.date, fiscal_start_month: int
) -> Section:
    goals = plans.goal_vs_amount(con, as_of, fiscal_start_month)
    goals = goals[goals["partner_id"] == pid].reset_index(drop=True)
    if goals.empty:
        return Section("Account plan: goal vs amount", note="No account plan yet.")
    track = {True: "on track", False: "off track"}
    facts = []
    for _, plan in goals.iterrows():
        prefix = f"Plan {plan['plan_id']}: " if len(goals) > 1 else ""
        facts += [
            (f"{prefix}{metrics.label('revenue_goal')}", money(plan["revenue_goal"])),
            (
                f"{prefix}{metrics.label('current_amount')}",
                money(plan["current_amount"]),
            ),
            (f"{prefix}{metrics.label('attainment')}", percent(plan["attainment"])),
            (f"{prefix}Quarter gone", percent(plan["elapsed_share"])),
            (f"{prefix}On track", track.get(plan["on_track"], "–")),
        ]
    return Section(
        "Account plan: goal vs amount",
        facts,
        Chart(
            "Current amount against the revenue goal",
            goals["plan_id"].astype(str).tolist(),
            {
                metrics.label("revenue_goal"): goals["revenue_goal"].tolist(),
                metrics.label("current_amount"): goals["current_amount"].tolist(),
            },
        ),
        note="On track when the amount keeps up with the share of the quarter gone.",
    )


def _training(con: duckdb.DuckDBPyConnection, pid: str) -> Section:
    contacts = partners.partner_contacts(con, pid)
    if contacts.empty:
        return Section("Contacts' training", note="No contacts in the data.")
    by_status = contacts["training_status"].fillna("").value_counts()
    statuses = [s for s in TRAINING_STATUSES if s in by_status] + sorted(
        set(by_status.index) - set(TRAINING_STATUSES)
    )
    return Section(
        "Contacts' training",
        [(s or "(no status)", count(by_status[s])) for s in statuses],
        Chart(
            "Contacts by training status",
            [s or "(no status)" for s in statuses],
            {"Contacts": [int(by_status[s]) for s in statuses]},
        ),
        _table(
            contacts,
            {
                "contact_name": ("Contact", text),
                "role": ("Role", text),
                "training_status": ("Training", text),
                "training_completed_date": ("Completed", day),
            },
        ),
        _more(contacts, "contacts"),
    )


# --- 1:1 pack --------------------------------------------------------------------


def one_to_one_pack(
    con: duckdb.DuckDBPyConnection,
    account_manager: str,
    as_of: dt.date,
    fiscal_start_month: int = 1,
) -> Pack:
    """The 1:1 account review with one account manager at D."""
    am = account_manager
    stage = plans.quarter_status(as_of, fiscal_start_month)
    sections = [
        _quota(con, am, as_of, fiscal_start_month),
        _attention(con, am, as_of),
        _plans(con, am, as_of, fiscal_start_month),
        _churn(con, am, as_of),
        _checklist(con, am, as_of, fiscal_start_month, stage),
    ]
    return Pack(
        f"1:1 account review: {am}",
        f"As of {as_of:%A %d %B %Y} · planning week {stage['week']} of 13, "
        f"stage {stage['stage']}: {stage['stage_name']}",
        sections,
    )


def _quota(
    con: duckdb.DuckDBPyConnection, am: str, as_of: dt.date, fiscal_start_month: int
) -> Section:
    pace = quota.quota_pace(con, as_of, fiscal_start_month, am).set_index("period")
    periods = {"month": "This month", "quarter": "This quarter"}
    facts = []
    for period, label in periods.items():
        row = pace.loc[period]
        facts += [
            (f"{label}: {metrics.axis('added').lower()}", count(row["added"])),
            (f"{label}: {metrics.label('target').lower()}", count(row["target"])),
            (f"{label}: {metrics.label('expected').lower()}", decimal(row["expected"])),
            (f"{label}: {metrics.label('pace').lower()}", percent(row["pace"])),
            (
                f"{label}: {metrics.label('projection').lower()}",
                decimal(row["projection"]),
            ),
            (f"{label}: {metrics.label('status').lower()}", text(row["status"])),
        ]
    return Section(
        "Quota pace: month and quarter",
        facts,
        Chart(
            "Clients added against target and expected by today",
            list(periods.values()),
            {
                name: [pace.loc[p, c] for p in periods]
                for c, name in (
                    ("added", metrics.axis("added")),
                    ("expected", metrics.label("expected")),
                    ("target", metrics.label("target")),
                )
            },
        ),
    )


def _attention(con: duckdb.DuckDBPyConnection, am: str, as_of: dt.date) -> Section:
    attention = activity.attention(con, as_of, account_manager=am)
    return Section(
        f"Partners needing attention ({len(attention)})",
        table=_table(
            attention,
            {
                "partner_name": ("Partner", text),
                "reasons": ("Why it needs attention", reasons_text),
            },
            most=LONG_TABLE_ROWS,
        )
        if len(attention)
        else None,
        note=_more(attention, "partners", LONG_TABLE_ROWS)
        or ("" if len(attention) else "No partner needs attention."),
    )


def _plans(
    con: duckdb.DuckDBPyConnection, am: str, as_of: dt.date, fiscal_start_month: int
) -> Section:
    cover = plans.coverage(con, as_of, am)
    used = plans.usage(con, as_of, fiscal_start_month, am)
    weekly = plans.summary_by_week(con, as_of, fiscal_start_month, am)
    c = cover.iloc[0] if len(cover) else None
    u = used.iloc[0] if len(used) else None
    return Section(
        "Account plans: coverage and usage",
        [
            (
                metrics.label("key_partners"),
                count(None if c is None else c["key_partners"]),
            ),
            (
                metrics.label("with_plan"),
                count(None if c is None else c["with_plan"]),
            ),
            (
                metrics.label("coverage"),
                percent(None if c is None else c["share"]),
            ),
            ("Plans held", count(None if u is None else u["plans"])),
            (
                "Plans created this quarter",
                count(None if u is None else u["created_this_quarter"]),
            ),
            (
                "Plans updated this quarter",
                count(None if u is None else u["updated_this_quarter"]),
            ),
        ],
        Chart(
            "Plans created and updated per week of the quarter",
            [f"{w:%d %b}" for w in weekly["week_start"]],
            {k.capitalize(): weekly[k].tolist() for k in ("created", "updated")},
        ),
    )


def _churn(con: duckdb.DuckDBPyConnection, am: str, as_of: dt.date) -> Section:
    totals = churn.churn_totals(con, as_of, account_manager=am)
    this_week = totals.iloc[-1]
    churned = churn.churned_clients(con, as_of, account_manager=am)
    return Section(
        "Churn",
        [
            ("Churned this week", count(this_week["churned"])),
            ("Active at the start of this week", count(this_week["active_at_start"])),
            ("Churn rate this week", rate(this_week["churn_rate"])),
            ("Churned in the last 26 weeks", count(totals["churned"].sum())),
        ],
        Chart(
            "Clients churned per week, last 26 weeks",
            [f"{w:%d %b}" for w in totals["week_start"]],
            {metrics.axis("churned"): totals["churned"].tolist()},
        ),
        _table(
            churned,
            {
                "client_name": ("Client", text),
                "client_id": ("CRN", text),
                "partner_name": ("Partner", text),
                "churned_date": ("Churned", day),
            },
        )
        if len(churned)
        else None,
        _more(churned, "clients") or ("" if len(churned) else "No churn this week."),
    )


def _checklist(
    con: duckdb.DuckDBPyConnection,
    am: str,
    as_of: dt.date,
    fiscal_start_month: int,
    stage: dict,
) -> Section:
    items = plans.checklist(con, as_of, fiscal_start_month, am)
    return Section(
        "This week's checklist",
        [
            ("Planning week", f"{stage['week']} of 13"),
            ("Stage", f"{stage['stage']}: {stage['stage_name']}"),
            ("Weeks left in the quarter", count(stage["weeks_left"])),
        ],
        table=Table(
            ["Item", "Check"],
            [checklist_row(entry) for entry in items],
        ),
    )


def checklist_row(entry: dict) -> list[str]:
    """A checklist entry (plans.checklist) as the Account plans page words it."""
    item, check = metrics.CHECKLIST[entry["key"]]
    return [item, check(entry["count"], entry["figures"])]


# --- writing ---------------------------------------------------------------------

MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def pack_file(
    directory: str,
    version: str,
    as_of: dt.date,
    fmt: str,
    *,
    partner_id: str | None = None,
    account_manager: str | None = None,
    fiscal_start_month: int = 1,
    books: tuple[str, ...] | None = None,
) -> bytes:
    """A QBR (`partner_id`) or 1:1 (`account_manager`) pack's bytes from a dataset
    version, read from the viewer's `books` only (None: everything): the pages'
    download buttons call it only when clicked."""
    path = store.version_path(Path(directory), version)
    with (
        store.connect(Path(directory), version)
        if books is None
        else access.book(path, books) as con
    ):
        if partner_id is not None:
            pack = qbr_pack(con, partner_id, as_of, fiscal_start_month)
        else:
            pack = one_to_one_pack(con, account_manager, as_of, fiscal_start_month)
    return to_pptx(pack) if fmt == "pptx" else to_pdf(pack)


def write_pack(pack: Pack, out: Path) -> Path:
    """Write the pack as .pptx or .pdf (by the file's extension)."""
    suffix = out.suffix.lower()
    if suffix not in (".pptx", ".pdf"):
        raise ValueError(f"a pack is written as .pptx or .pdf, not {out.name}")
    content = to_pptx(pack) if suffix == ".pptx" else to_pdf(pack)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    return out


def to_html(pack: Pack) -> str:
    """The pack as print HTML (the digest's stylesheet and macros), charts as SVG."""
    charts = {
        i: data_uri(render(s.chart, "svg"), "image/svg+xml")
        for i, s in enumerate(pack.sections)
        if s.chart is not None
    }
    return templates.get_template("pack.html").render(pack=pack, charts=charts)


def to_pdf(pack: Pack) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=to_html(pack)).write_pdf()


# --- PowerPoint: 16:9, one slide per section, native charts and tables ----------

SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN, TOP, BOTTOM = 0.5, 1.3, 6.8
FACTS_W, GAP = 4.2, 0.3


def _text(frame, value: str, size: int, bold: bool = False, colour: str = "1B2733"):
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.text = value
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour)


def _textbox(slide, value: str, box: tuple[float, ...], size: int, **style) -> None:
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    _text(shape.text_frame, value, size, **style)


def _pptx_table(
    slide, rows: list[list[str]], box, header: bool, right: set[int] = frozenset()
) -> None:
    """A native table; `right`: the columns to right-align (figures)."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    shape = slide.shapes.add_table(len(rows), len(rows[0]), *(Inches(v) for v in box))
    table = shape.table
    table.first_row = header
    table.horz_banding = header
    for r, row in enumerate(rows):
        table.rows[r].height = Inches(0.3)
        for c, value in enumerate(row):
            frame = table.cell(r, c).text_frame
            _text(
                frame,
                value,
                10,
                bold=header and r == 0,
                colour="FFFFFF" if header and r == 0 else "1B2733",
            )
            if c in right:
                frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _pptx_chart(slide, chart: Chart, box) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    from analytics.chart_images import PALETTE

    data = CategoryChartData(number_format="0%" if chart.percent else "#,##0")
    data.categories = chart.categories
    for name, values in chart.series.items():
        data.add_series(name, [_number(v) for v in values])
    kind = {
        "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "barh": XL_CHART_TYPE.BAR_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }[chart.kind]
    graphic = slide.shapes.add_chart(kind, *(Inches(v) for v in box), data).chart
    graphic.has_title = True
    _text(graphic.chart_title.text_frame, chart.title, 13, bold=True)
    graphic.has_legend = len(chart.series) > 1
    if graphic.has_legend:
        graphic.legend.position = XL_LEGEND_POSITION.BOTTOM
        graphic.legend.include_in_layout = False
        graphic.legend.font.size = Pt(10)
    graphic.font.size = Pt(10)
    axis = graphic.value_axis
    axis.has_major_gridlines = True
    axis.tick_labels.number_format = "0%" if chart.percent else "#,##0"
    axis.tick_labels.number_format_is_linked = False
    if chart.percent:  # shares: 0-100%, not 120%
        axis.minimum_scale, axis.maximum_scale = 0, 1
    for i, series in enumerate(graphic.plots[0].series):
        colour = RGBColor.from_string(PALETTE[i % len(PALETTE)].lstrip("#").upper())
        if chart.kind == "line":
            series.format.line.color.rgb = colour
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour


def _pptx_section(prs, section: Section) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    _textbox(slide, section.title, (MARGIN, 0.35, SLIDE_W - 2 * MARGIN, 0.8), 26,
             bold=True)  # fmt: skip
    if section.note:
        _textbox(slide, section.note, (MARGIN, BOTTOM + 0.1, 12.3, 0.4), 11,
                 colour="5B6B7B")  # fmt: skip
    left = MARGIN
    if section.facts:
        height = min(0.3 * len(section.facts), BOTTOM - TOP)
        box = (MARGIN, TOP, FACTS_W, height)
        _pptx_table(slide, [list(f) for f in section.facts], box, False, {1})
        left = MARGIN + FACTS_W + GAP
    width = SLIDE_W - MARGIN - left
    chart_bottom = TOP
    if section.chart is not None:
        height = (BOTTOM - TOP) * (0.5 if section.table else 1)
        _pptx_chart(slide, section.chart, (left, TOP, width, height))
        chart_bottom = TOP + height + 0.15
    if section.table is not None and section.table.rows:
        rows = [section.table.columns, *section.table.rows]
        height = min(0.3 * len(rows), BOTTOM - chart_bottom)
        _pptx_table(slide, [[str(c) for c in r] for r in rows],
                    (left, chart_bottom, width, height), header=True,
                    right=section.table.numeric)  # fmt: skip


def to_pptx(pack: Pack) -> bytes:
    """The pack as a PowerPoint deck: a title slide, then one slide per section."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    cover = prs.slides.add_slide(prs.slide_layouts[6])
    _textbox(cover, pack.title, (MARGIN, 2.6, 12.3, 1.2), 34, bold=True)
    _textbox(cover, pack.subtitle, (MARGIN, 3.8, 12.3, 0.8), 16, colour="5B6B7B")
    for section in pack.sections:
        _pptx_section(prs, section)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
