/** Kysely's view of the tables made by the migrations in ./migrations. Keep the two in step. */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { CaseState } from "./case-states.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | undefined, string>;
type Id = ColumnType<number, never, never>;

export interface BrandsTable {
  id: string;
  name: string;
  country: "NL" | "BE";
  time_zone: string;
  languages: string[];
  policy_profile: string;
  created_at: Timestamp;
}

export interface BrandAddressesTable {
  address: string;
  brand_id: string;
  purpose: Generated<"abuse" | "support" | "ntd" | "authority">;
}

export interface CustomersTable {
  id: string;
  brand_id: string;
  name: string;
  contact_emails: Generated<string[]>;
  language: Generated<string>;
  registration_number: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContractsTable {
  id: Id;
  customer_id: string;
  service: string;
  product: string | null;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
}

export interface ResourcesTable {
  id: Id;
  customer_id: string;
  contract_id: number | null;
  kind: "ip" | "domain" | "url" | "email" | "phone";
  value: string;
  ip: string | null;
  valid_from: Timestamp;
  valid_to: NullableTimestamp;
  created_at: Timestamp;
}

export interface ReportersTable {
  id: Id;
  email: string | null;
  name: string | null;
  org: string | null;
  kind: Generated<"person" | "feed" | "trusted_flagger" | "authority">;
  trusted: Generated<boolean>;
  created_at: Timestamp;
  /** Added by 0013_ntd: misuse of the notice mechanism (DSA art. 23). */
  notices_warned_at: NullableTimestamp;
  notices_suspended_until: NullableTimestamp;
  notices_suspension_reason: string | null;
}

export interface ReportsTable {
  id: Id;
  channel: "smtp" | "imap" | "file" | "api" | "form" | "authority" | "collector";
  received_at: Timestamp;
  sha256: string;
  raw: Buffer;
  size: number;
  content_type: string | null;
  filename: string | null;
  mail_from: string | null;
  rcpt_to: Generated<string[]>;
  brand_id: string | null;
  message_id: string | null;
  subject: string | null;
  reporter_id: number | null;
  format: string | null;
  state: Generated<"processing" | "parsed" | "triage" | "error">;
  triage_reason: string | null;
  missing: Generated<string[]>;
  /** 0002_intake: how the submitter said to read it (format, Shadowserver type). */
  parse_hint: Json;
  warnings: Generated<string[]>;
  next_attempt_at: NullableTimestamp;
  last_error: string | null;
  processed_at: NullableTimestamp;
  /** Added by 0010_messages: whether its reporter got an acknowledgement (null: not decided yet). */
  acknowledgement: ColumnType<
    "written" | "not_needed" | "inbound" | "before_messages" | null,
    "written" | "not_needed" | "inbound" | null | undefined,
    "written" | "not_needed" | "inbound"
  >;
  /** Added by 0015_feeds: the bytes are in report_chunks, processed in batches (src/intake/feeds.ts). */
  streamed: Generated<boolean>;
}

export type Role = "agent" | "supervisor" | "legal" | "admin" | "auditor";

export interface UsersTable {
  id: Id;
  email: string;
  name: string | null;
  role: Role;
  password_hash: string;
  must_change_password: Generated<boolean>;
  totp_secret: string | null;
  created_at: Timestamp;
  disabled_at: NullableTimestamp;
  /** Added by 0007_security: null for every brand; otherwise only these. */
  brands: string[] | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
  password_changed_at: NullableTimestamp;
  /** Added by 0017_user_language: the console's language the person chose (null: not yet). */
  language: "nl" | "en" | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Id;
  name: string;
  role: Role;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** Added by 0006_people: the person the token belongs to; null for a service token (no person). */
  user_id: number | null;
  scope: Generated<"read" | "write">;
  expires_at: NullableTimestamp;
  /** Added by 0007_security: null for the person's brands (a service token: every brand); otherwise these. */
  brands: string[] | null;
  revoked_by: string | null;
}

export type { CaseState };

export interface CasesTable {
  id: Id;
  brand_id: string;
  customer_id: string | null;
  category: string;
  kind: "abuse" | "ntd" | "authority";
  subject_key: string;
  state: Generated<CaseState>;
  priority: Generated<number>;
  owner_id: number | null;
  escalated: Generated<boolean>;
  event_count: Generated<number>;
  opened_at: Timestamp;
  updated_at: Timestamp;
  first_event_at: NullableTimestamp;
  last_event_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  merged_into: number | null;
  /** Added by 0004_cases: facts an agent judged (see src/cases/facts.ts). */
  facts: Json;
  /** Added by 0004_cases: earliest unmet deadline, Infinity when none. */
  next_due_at: ColumnType<Date | number, Date | string | undefined, Date | string>;
  subject_count: Generated<number>;
  /** Added by 0006_people: an order forbids telling the customer; no message of any kind goes to them. */
  gag: Generated<boolean>;
  /** Added by 0008_breadth: category `other` until a person says what it is (set on insert by a trigger). */
  needs_classification: Generated<boolean>;
  /** 0 authority orders, 1 escalated cases, 2 a trusted flagger's notices (`lead`), 3 the rest (generated; the queue's first key). */
  queue_rank: ColumnType<number, never, never>;
  /** Added by 0013_ntd: a trusted flagger's notice, ahead of the rest (DSA art. 22). */
  lead: Generated<boolean>;
}

export interface EventsTable {
  id: Id;
  report_id: number;
  brand_id: string | null;
  category: string;
  kind: "abuse" | "ntd" | "authority";
  subject_ip: string | null;
  subject_port: number | null;
  subject_url: string | null;
  subject_domain: string | null;
  subject_email: string | null;
  subject_phone: string | null;
  occurred_at: NullableTimestamp;
  received_at: Timestamp;
  customer_id: string | null;
  resolution: Generated<"matched" | "not_ours" | "pending">;
  resolution_detail: Json | null;
  case_id: number | null;
  details: Json;
}

export interface CaseDeadlinesTable {
  id: Id;
  case_id: number;
  name: string;
  due_at: Timestamp;
  source: string;
  met_at: NullableTimestamp;
  escalated_at: NullableTimestamp;
}

export interface CaseNotesTable {
  id: Id;
  case_id: number;
  author_id: number | null;
  visibility: "internal" | "shared";
  body: string;
  created_at: Timestamp;
}

export interface ActionsTable {
  id: Id;
  case_id: number;
  step: string;
  proposed_step: string | null;
  state: Generated<string>;
  actor: string;
  approved_by: string | null;
  reason: string | null;
  note: string | null;
  params: Json;
  clause_document: string | null;
  clause_article: string | null;
  clause_quote: string | null;
  created_at: Timestamp;
  done_at: NullableTimestamp;
  result: Json | null;
  /** Added by 0004_cases. */
  approved_at: NullableTimestamp;
  /** Added by 0006_people: the persons behind `actor` and `approved_by` (four eyes compare these). */
  requested_by_user: number | null;
  approved_by_user: number | null;
  /** Added by 0011_measures: the order that demanded the step, the automatic lift, who refused or cancelled. */
  order_id: number | null;
  lift_at: NullableTimestamp;
  undone_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  closed_by_user: number | null;
  closed_reason: string | null;
}

export interface AuditLogTable {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
  /** The chain the entry belongs to, and its place in it (migration 0012). */
  chain: Generated<number>;
  chain_seq: number;
}

/*
 * Tables added by later migrations are declared in the interfaces below, one per part of the domain,
 * each next to its migration in ./migrations (0002 intake, 0003 inventory, 0004 cases).
 */
export interface ImapMailboxesTable {
  name: string;
  uid_validity: number | null;
  last_uid: Generated<number>;
  last_polled_at: NullableTimestamp;
  last_error: string | null;
}

export interface ReportAttemptsTable {
  report_id: number;
  attempts: number;
  last_started_at: Timestamp;
}

export interface IntakeTables {
  imap_mailboxes: ImapMailboxesTable;
  report_attempts: ReportAttemptsTable;
}
export interface InventoryChangesTable {
  seq: Id;
  at: Timestamp;
  op: "add" | "end" | "ranges";
  resource_id: number | null;
}

export interface BrandRangesTable {
  id: Id;
  brand_id: string;
  cidr: string;
  note: string | null;
  created_at: Timestamp;
}

export type VerificationMethod =
  | "kvk_kbo"
  | "id_document"
  | "lei"
  | "bank_payment"
  | "domain_whois"
  | "high_risk_check";

export interface CustomerVerificationsTable {
  id: Id;
  customer_id: string;
  method: VerificationMethod;
  result: "passed" | "failed" | "flagged";
  verified_at: Timestamp;
  verified_by: string;
  reference: string | null;
  note: string | null;
  valid_until: NullableTimestamp;
  created_at: Timestamp;
}

export interface RdapNetworksTable {
  id: Id;
  first_ip: string;
  last_ip: string;
  handle: string | null;
  name: string | null;
  abuse_email: string | null;
  error: string | null;
  fetched_at: Timestamp;
  expires_at: Timestamp;
}

/** Tables of 0003_inventory. */
export interface InventoryTables {
  inventory_changes: InventoryChangesTable;
  brand_ranges: BrandRangesTable;
  customer_verifications: CustomerVerificationsTable;
  rdap_networks: RdapNetworksTable;
}
export interface CaseSubjectsTable {
  case_id: number;
  kind: "ip" | "url" | "domain" | "email" | "phone";
  value: string;
  event_count: Generated<number>;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface CaseWindowsTable {
  brand_id: string;
  /** A category, or "*" for the brand's default. */
  category: string;
  window_days: number;
}

export interface CaseNotificationsTable {
  id: Id;
  case_id: number;
  deadline_id: number | null;
  kind: "supervisor_escalation" | "measure_failed";
  details: Json;
  created_at: Timestamp;
  queued_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  /** Added by 0011_measures: read and acknowledged by a supervisor. */
  read_at: NullableTimestamp;
  read_by: string | null;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  acknowledged_by_user: number | null;
  acknowledge_note: string | null;
}

/** Tables of 0004_cases. */
export interface CaseTables {
  case_subjects: CaseSubjectsTable;
  case_windows: CaseWindowsTable;
  case_notifications: CaseNotificationsTable;
}

/** 0008_breadth: a sender's label mapped to one of our categories (see src/classification/). */
export interface CategoryMappingsTable {
  id: Id;
  format: string;
  label: string;
  sender: string | null;
  category: string;
  note: string | null;
  created_by: string;
  created_at: Timestamp;
}

/** Tables of 0008_breadth. */
export interface ClassificationTables {
  category_mappings: CategoryMappingsTable;
}

export interface RoleSettingsTable {
  role: Role;
  totp_required: Generated<boolean>;
  updated_at: Timestamp;
  updated_by: string;
}

export interface SignInChallengesTable {
  id: string;
  user_id: number;
  totp_verified: Generated<boolean>;
  failures: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** Tables of 0007_security. */
export interface SecurityTables {
  role_settings: RoleSettingsTable;
  sign_in_challenges: SignInChallengesTable;
}

export type Authority =
  | "police"
  | "public_prosecutor"
  | "court"
  | "atkm"
  | "offlimits"
  | "tco_authority"
  | "other";

export interface OrdersTable {
  id: Id;
  authority: Authority;
  reference: string;
  received_at: Timestamp;
  legal_basis: string;
  subjects: string[];
  requested: string[];
  category: string;
  stated_deadline_at: NullableTimestamp;
  due_at: Timestamp;
  deadline_source: string;
  gag: Generated<boolean>;
  contact: Json;
  report_id: number;
  unresolved: Generated<string[]>;
  created_by: string;
  created_by_user: number | null;
  created_at: Timestamp;
  executed_at: NullableTimestamp;
}

export interface MeasureCallsTable {
  id: Id;
  action_id: number;
  undo: Generated<boolean>;
  idempotency_key: string;
  connector: string | null;
  state: Generated<"queued" | "executing" | "done" | "failed">;
  body: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: NullableTimestamp;
  last_status: number | null;
  last_error: string | null;
  answer: string | null;
  requested_by: string;
  requested_by_user: number | null;
  reason: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  done_by: string | null;
  done_by_user: number | null;
  note: string | null;
}

export interface ConnectorEntriesTable {
  connector: string;
  action_id: number;
  entry: string;
  added_at: Timestamp;
}

export interface ConnectorFilesTable {
  connector: string;
  serial: number;
  written_at: Timestamp;
}

export interface DataProvisionsTable {
  id: Id;
  order_id: number | null;
  case_id: number;
  action_id: number | null;
  what: string;
  given_to: string;
  legal_basis: string;
  given_at: Timestamp;
  recorded_by: string;
  recorded_by_user: number | null;
}

export interface DataHoldsTable {
  id: Id;
  order_id: number | null;
  case_id: number | null;
  customer_id: string | null;
  subjects: Generated<string[]>;
  legal_basis: string;
  reason: string | null;
  held_from: Timestamp;
  held_until: NullableTimestamp;
  created_by: string;
  created_by_user: number | null;
  released_at: NullableTimestamp;
  released_by: string | null;
  released_by_user: number | null;
  release_reason: string | null;
}

/** Tables of 0011_measures. */
export interface MeasureTables {
  orders: OrdersTable;
  measure_calls: MeasureCallsTable;
  connector_entries: ConnectorEntriesTable;
  connector_files: ConnectorFilesTable;
  data_provisions: DataProvisionsTable;
  data_holds: DataHoldsTable;
}

export type MessageState = "held" | "queued" | "sent" | "failed" | "received";
export type MessageParty = "reporter" | "customer" | "authority" | "other";
export type MessageFailure = "refused" | "bounced" | "withheld" | "no_address" | "gave_up";

export interface MessagesTable {
  id: Id;
  direction: "out" | "in";
  party: MessageParty;
  brand_id: string | null;
  case_id: number | null;
  report_id: number | null;
  action_id: number | null;
  reporter_id: number | null;
  template: string | null;
  language: string | null;
  from_address: string | null;
  to_addresses: Generated<string[]>;
  subject: string | null;
  body: string | null;
  message_id: string;
  in_reply_to: string | null;
  refs: Generated<string[]>;
  state: MessageState;
  context: Json;
  composed_at: NullableTimestamp;
  meets: Generated<string[]>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  failure: MessageFailure | null;
  relay_response: string | null;
  actor: string;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  failed_at: NullableTimestamp;
}

export interface MessageAttachmentsTable {
  id: Id;
  message_id: number;
  filename: string;
  declared_type: string | null;
  size: number;
  sha256: string;
  data: Buffer;
  created_at: Timestamp;
}

export interface PortalTokensTable {
  id: Id;
  token_hash: string;
  kind: "customer" | "reporter";
  brand_id: string;
  customer_id: string | null;
  report_id: number | null;
  message_id: number | null;
  language: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_by: string | null;
  last_used_at: NullableTimestamp;
}

/** Tables of 0010_messages. */
export interface MessageTables {
  messages: MessagesTable;
  message_attachments: MessageAttachmentsTable;
  portal_tokens: PortalTokensTable;
}

/** 0013_ntd: notice-and-takedown (src/ntd/). */
export interface NoticesTable {
  id: Id;
  reference: string;
  brand_id: string;
  report_id: number;
  channel: "form" | "api" | "mail";
  reporter_id: number | null;
  notifier_name: string | null;
  notifier_email: string | null;
  notifier_role: string | null;
  interest: string | null;
  legal_ground: string | null;
  category: string;
  explanation: string | null;
  locations: string[];
  unresolved: Generated<string[]>;
  good_faith: Generated<boolean>;
  anonymous: Generated<boolean>;
  trusted: Generated<boolean>;
  missing: Generated<string[]>;
  language: Generated<string>;
  received_at: Timestamp;
  completed_at: NullableTimestamp;
  created_by: string;
  created_by_user: number | null;
}

export interface NoticeFilesTable {
  id: Id;
  notice_id: number;
  filename: string;
  declared_type: string | null;
  size: number;
  sha256: string;
  data: Buffer | null;
  created_at: Timestamp;
}

export interface NtdProceduresTable {
  case_id: number;
  notice_id: number;
  location: string;
  state: "received" | "incomplete" | "assessment" | "forwarded" | "reaction_forwarded" | "decided" | "lapsed";
  state_since: Timestamp;
  forwarded_at: NullableTimestamp;
  reaction: string | null;
  reaction_at: NullableTimestamp;
  rebuttal: string | null;
  rebuttal_at: NullableTimestamp;
  decision: "upheld" | "to_court" | "rejected" | null;
  decision_basis: "manifest" | "law" | "order" | "terms" | "assessment" | null;
  decision_reason: string | null;
  decision_ground: Json | null;
  manifestly_unfounded: Generated<boolean>;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  decided_by_user: number | null;
  action_id: number | null;
}

export interface NtdComplaintsTable {
  id: Id;
  case_id: number;
  notice_id: number;
  complainant: "notifier" | "customer";
  channel: "portal" | "api" | "mail";
  text: string;
  received_at: Timestamp;
  due_at: Timestamp;
  recorded_by: string;
  outcome: "upheld" | "reversed" | "modified" | null;
  outcome_reason: string | null;
  decided_at: NullableTimestamp;
  decided_by: string | null;
  decided_by_user: number | null;
}

export interface CaseThreatsTable {
  case_id: number;
  flagged_at: Timestamp;
  flagged_by: string;
  flagged_by_user: number | null;
  reason: string;
  informed_at: NullableTimestamp;
  informed_by: string | null;
  informed_by_user: number | null;
  authority: string | null;
  authority_reference: string | null;
}

/** 0015_feeds: large feeds in chunks, processed in batches (src/intake/feeds.ts). */
export interface ReportChunksTable {
  report_id: number;
  seq: number;
  data: Buffer;
  /** Added by 0019_chunk_partitions: its report's, the key of the monthly partitions. */
  received_at: Date;
}
export interface ReportProgressTable {
  report_id: number;
  rows_done: Generated<number>;
  events: Generated<number>;
  rejected: Generated<number>;
  updated_at: Generated<Date>;
}

export interface NtdTables {
  report_chunks: ReportChunksTable;
  report_progress: ReportProgressTable;
  notices: NoticesTable;
  notice_files: NoticeFilesTable;
  ntd_procedures: NtdProceduresTable;
  ntd_complaints: NtdComplaintsTable;
  case_threats: CaseThreatsTable;
}

export interface Database
  extends IntakeTables,
    NtdTables,
    InventoryTables,
    CaseTables,
    ClassificationTables,
    SecurityTables,
    MeasureTables,
    MessageTables {
  brands: BrandsTable;
  brand_addresses: BrandAddressesTable;
  customers: CustomersTable;
  contracts: ContractsTable;
  resources: ResourcesTable;
  reporters: ReportersTable;
  reports: ReportsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  cases: CasesTable;
  events: EventsTable;
  case_deadlines: CaseDeadlinesTable;
  case_notes: CaseNotesTable;
  actions: ActionsTable;
  audit_log: AuditLogTable;
}

export type Brand = Selectable<BrandsTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type User = Selectable<UsersTable>;
