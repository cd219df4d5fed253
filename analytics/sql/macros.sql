-- Every row-level rule of SPEC section 4, once. Created in each version file by
-- db.create_macros (stored in it, so read-only connections see them); staging.sql
-- and every report query use them. `d` is the as-of date D.

-- Partner key: an 18-character Salesforce id is the 15-character id plus a
-- checksum, so it matches the 15-character id that begins it (case-sensitively).
create or replace macro partner_key(id) as
    case when length(id) = 18 then left(id, 15) else id end;

-- A partner's league as the reports name it: a blank or missing league is
-- `No league` (schema.NO_LEAGUE, created as no_league() by db.create_macros).
create or replace macro league_name(league) as
    case when nullif(trim(league), '') is null then no_league() else league end;

-- Active client at D: added by D and not churned by D.
create or replace macro is_active_at(added_date, churned_date, d) as
    added_date <= d and (churned_date is null or churned_date > d);

-- Repurposed at D: active at D and repurposed by D.
create or replace macro is_repurposed_at(added_date, repurposed_date, churned_date, d) as
    is_active_at(added_date, churned_date, d) and coalesce(repurposed_date <= d, false);

-- Ever repurposed by D: repurposed by D, churned later or not (repurposing rates).
create or replace macro is_ever_repurposed_at(repurposed_date, d) as
    coalesce(repurposed_date <= d, false);

-- A date in a period up to D (clients added, repurposed or churned in it).
create or replace macro is_in_period(day, period_start, d) as
    coalesce(day between period_start and d, false);

-- The kind of an activity: a blank type is a Task.
create or replace macro activity_kind(activity_type) as
    lower(coalesce(nullif(trim(activity_type), ''), 'Task'));

-- A task kind: a Task, or Salesforce's Other (an event is a type Event or Meeting).
create or replace macro is_task_kind(activity_type) as
    activity_kind(activity_type) in ('task', 'other');

create or replace macro is_completed(status) as
    coalesce(lower(trim(status)) = 'completed', false);

-- Touch: an event (a Meeting included), a call or an email (any status), or a task
-- with status Completed; dated coalesce(completed_date, activity_date).
create or replace macro is_touch(activity_type, status) as
    activity_kind(activity_type) in ('event', 'meeting', 'call', 'email')
    or (is_task_kind(activity_type) and is_completed(status));

-- Open task: a task whose status is not Completed.
create or replace macro is_open_task(activity_type, status) as
    is_task_kind(activity_type) and not is_completed(status);

-- A subject reduced to its words, abbreviations spelt out, without spaces:
-- `Acct. Mgmt  notes` -> `accountmanagementnotes`.
create or replace macro notes_subject_key(subject) as
    replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        lower(regexp_replace(coalesce(subject, ''), '[^A-Za-z0-9]+', ' ', 'g')),
                        '\b(acct|acc|accnt|acnt|a c)\b', 'account', 'g'),
                    '\b(mgmt|mgt|mngt|mngmt|mgmnt|man|mang|managment|manag)\b', 'management', 'g'),
                '\b(note|nts)\b', 'notes', 'g'),
            '\bam\b', 'account management', 'g'),
        ' ', '');

-- Notes task: an open task whose subject is exactly `Account Management Notes`
-- after trimming spaces.
create or replace macro is_notes_task(activity_type, status, subject) as
    is_open_task(activity_type, status)
    and coalesce(trim(subject) = 'Account Management Notes', false);

-- A subject meant as the notes task's: `Account Management Notes` up to case,
-- spacing, punctuation or abbreviation.
create or replace macro is_notes_like_subject(subject) as
    notes_subject_key(subject) = 'accountmanagementnotes';

-- Near-miss notes task: a task meant as the notes task that is not one: open with a
-- subject differing only by case, spacing, punctuation or abbreviation (rename it),
-- or Completed (reopen it). `near_miss_notes_task_at` takes is_notes_like_subject
-- as decided once per distinct subject (staging.sql: the regular expressions run
-- for a few dozen subjects, not for every activity).
create or replace macro near_miss_notes_task_at(activity_type, status, subject, notes_like) as
    is_task_kind(activity_type)
    and notes_like
    and not is_notes_task(activity_type, status, subject);

create or replace macro is_near_miss_notes_task(activity_type, status, subject) as
    near_miss_notes_task_at(
        activity_type, status, subject, is_notes_like_subject(subject)
    );

-- Overdue task: an open task, neither the notes task nor a near-miss one, due
-- before D. `overdue_at` takes the three flags as stg_activities stores them, so
-- a report reads the flags rather than re-running the subject rules per row; the
-- first half does not depend on D (analytics/rollups.py keeps those tasks' dates).
create or replace macro is_ordinary_open_task(open_task, notes_task, near_miss_notes_task) as
    open_task and not notes_task and not near_miss_notes_task;

create or replace macro is_due_before(activity_date, d) as
    coalesce(activity_date < d, false);

create or replace macro overdue_at(open_task, notes_task, near_miss_notes_task, activity_date, d) as
    is_ordinary_open_task(open_task, notes_task, near_miss_notes_task)
    and is_due_before(activity_date, d);

create or replace macro is_overdue_task(activity_type, status, subject, activity_date, d) as
    overdue_at(
        is_open_task(activity_type, status),
        is_notes_task(activity_type, status, subject),
        is_near_miss_notes_task(activity_type, status, subject),
        activity_date,
        d
    );

-- Quota pace (SPEC 4) from the clients added, the target and the working days gone
-- (Mon-Fri up to and including D) and in the period. Expected by D = target x gone
-- / in the period; pace = added / expected; projection = added / gone x in the
-- period. Pace and projection are empty before the first working day.
create or replace macro expected_by(target, elapsed, working_days) as
    target * elapsed / working_days;

create or replace macro pace(added, target, elapsed, working_days) as
    case when elapsed > 0 then added * working_days / (target * elapsed) end;

create or replace macro projection(added, elapsed, working_days) as
    case when elapsed > 0 then added * working_days / elapsed end;

-- Quota pace status from the clients added, the target and the working days gone
-- and in the period: Ahead (pace >= 1.05), On pace (0.95 to 1.05), Behind (< 0.95),
-- No quota (no target or 0). Compared in integers (pace = added x working_days /
-- (target x elapsed)), so exactly 1.05 or 0.95 is not left to floating point. No
-- working day gone yet: Ahead when anything was added, else On pace.
create or replace macro pace_status(added, target, elapsed, working_days) as
    case
        when coalesce(target, 0) = 0 then 'No quota'
        when elapsed = 0 then case when added > 0 then 'Ahead' else 'On pace' end
        when added * working_days * 20 >= 21 * target * elapsed then 'Ahead'
        when added * working_days * 20 >= 19 * target * elapsed then 'On pace'
        else 'Behind'
    end;
