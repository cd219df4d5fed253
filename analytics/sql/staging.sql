-- Staging tables built once per committed dataset version (the version file never
-- changes afterwards, so they are materialised rather than views).
-- The row-level rules (partner_key, is_touch, is_open_task, ...) are the macros of
-- macros.sql, created in the same file just before.

-- stg_users: one row per user, keyed like partner ids, to show an owner id
-- (`005...`, 15 or 18 characters) as the user's name everywhere.
create or replace table stg_users as
select distinct on (user_key) user_key, name
from (
    select partner_key(user_id) as user_key, name
    from users
    where nullif(trim(name), '') is not null
)
order by user_key;

-- stg_partners: one row per partner, plus the pseudo-partner `(unknown partner)`
-- (partner_id '') when any client or activity belongs to no known partner.
create or replace table stg_partners as
with partners as (
    select
        partner_id,
        partner_key(partner_id) as partner_key,
        partner_name,
        coalesce(u.name, nullif(trim(account_manager), '')) as account_manager,
        nullif(trim(league), '') as league,
        nullif(trim(account_status), '') as account_status,
        business_plan_aim,
        created_date
    from partners
    left join stg_users as u
        on u.user_key = partner_key(account_manager)
),

client_keys as (
    select partner_key(partner_id) as partner_key
    from clients
),

activity_keys as (
    select partner_key(partner_id) as partner_key
    from activities
),

has_orphans as (
    select exists (
        select 1 from (select * from client_keys union all select * from activity_keys) as k
        where k.partner_key is null or k.partner_key not in (select partner_key from partners)
    ) as yes
),

final as (
    select * from partners
    union all
    select
        '' as partner_id,
        '' as partner_key,
        '(unknown partner)' as partner_name,
        null as account_manager,
        null as league,
        null as account_status,
        null::bigint as business_plan_aim,
        null::date as created_date
    from has_orphans
    where yes
)

select * from final;

-- stg_clients: one row per client, partner_id resolved to the partner's own id
-- ('' for the pseudo-partner).
create or replace table stg_clients as
select
    c.client_id,
    coalesce(p.partner_id, '') as partner_id,
    c.client_name,
    c.added_date,
    c.repurposed_date,
    c.churned_date,
    c.monthly_value
from clients as c
left join stg_partners as p
    on p.partner_key = partner_key(c.partner_id)
    and p.partner_id <> '';

-- stg_activities: one row per activity, with the kind flags every metric uses
-- (the rules are the macros of macros.sql). A blank type is a Task; an event is a
-- type Event or Meeting (the importer types every row of an Event export, or
-- marked Event, so); Other is a task. An owner id reads as the user's name.
create or replace table stg_activities as
with subjects as (
    -- whether a subject is meant as the notes task's, once per distinct subject
    select subject, is_notes_like_subject(subject) as notes_like
    from (select distinct subject from activities)
)

select
    a.activity_id,
    coalesce(p.partner_id, '') as partner_id,
    coalesce(u.name, a.account_manager) as account_manager,
    coalesce(nullif(trim(a.activity_type), ''), 'Task') as activity_type,
    a.subject,
    a.status,
    a.activity_date,
    a.completed_date,
    a.comments,
    is_completed(a.status) as is_completed,
    is_task_kind(a.activity_type) as is_task,
    is_touch(a.activity_type, a.status) as is_touch,
    coalesce(a.completed_date, a.activity_date) as touch_date,
    is_open_task(a.activity_type, a.status) as is_open_task,
    is_notes_task(a.activity_type, a.status, a.subject) as is_notes_task,
    near_miss_notes_task_at(
        a.activity_type, a.status, a.subject, coalesce(s.notes_like, false)
    ) as is_near_miss_notes_task
from activities as a
-- no subject (null) is not notes-like, as is_notes_like_subject(null) says
left join subjects as s
    on s.subject = a.subject
left join stg_partners as p
    on p.partner_key = partner_key(a.partner_id)
    and p.partner_id <> ''
left join stg_users as u
    on u.user_key = partner_key(a.account_manager);

-- stg_quotas: one row per account manager and month; a target typed into the app
-- overrides the file's for the same AM and month.
create or replace table stg_quotas as
select account_manager, month, clients_target, 'manual' as source
from manual_quotas
union all
select coalesce(u.name, q.account_manager) as account_manager, q.month, q.clients_target, 'file' as source
from quotas as q
left join stg_users as u
    on u.user_key = partner_key(q.account_manager)
where not exists (
    select 1 from manual_quotas as m
    where m.account_manager = q.account_manager and m.month = q.month
);

-- stg_account_plans and stg_contacts: partner_id resolved like clients.
create or replace table stg_account_plans as
select x.* replace (
    coalesce(p.partner_id, '') as partner_id,
    coalesce(u.name, x.account_manager) as account_manager
)
from account_plans as x
left join stg_partners as p
    on p.partner_key = partner_key(x.partner_id)
    and p.partner_id <> ''
left join stg_users as u
    on u.user_key = partner_key(x.account_manager);

create or replace table stg_contacts as
select x.* replace (coalesce(p.partner_id, '') as partner_id)
from contacts as x
left join stg_partners as p
    on p.partner_key = partner_key(x.partner_id)
    and p.partner_id <> '';
