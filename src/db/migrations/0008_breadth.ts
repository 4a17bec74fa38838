import { type Kysely, sql } from "kysely";
import { FINISHED_STATES_SQL } from "../case-states.ts";

/**
 * Intake breadth (#10): a report whose category is unknown still yields events, of category `other`; their
 * case is flagged "needs classification" until a person reclassifies it. An administrator teaches the desk a
 * sender's label with a mapping rule, stored here and applied to every later report without a deploy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
-- A sender's label (a Shadowserver report type, an X-ARF report type, ...) mapped to one of our categories.
-- format: the parser's format (shadowserver, xarf-v4, xarf-0.2, arf, ...) or '*' for any; sender: the
-- reporter's e-mail domain the rule is limited to, or null for every sender.
create table category_mappings (
  id bigint generated always as identity primary key,
  format text not null check (format ~ '^[a-z0-9*][a-z0-9.*_-]{0,39}$'),
  label text not null check (length(label) between 1 and 200 and label = lower(label)),
  sender text check (sender is null or sender ~ '^[a-z0-9.-]{1,253}$'),
  category text not null,
  note text,
  created_by text not null,
  created_at timestamptz not null default now()
);
create unique index category_mappings_key on category_mappings (format, label, coalesce(sender, ''));

-- A case of category 'other' needs a person to say what it is: set when such a case is opened (by grouping,
-- a split, anything), cleared when someone classifies it.
alter table cases add column needs_classification boolean not null default false;
create function cases_flag_unclassified() returns trigger language plpgsql as $$
begin
  new.needs_classification := true;
  return new;
end $$;
create trigger cases_flag_unclassified before insert on cases
  for each row when (new.category = 'other') execute function cases_flag_unclassified();
create index cases_needs_classification on cases (id)
  where needs_classification and state not in ${FINISHED_STATES_SQL};
`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("this migration cannot be undone; restore a backup instead");
}
