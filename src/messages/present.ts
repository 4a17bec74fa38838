/** Presenters: message rows to the JSON of the API; a portal token never leaves in a body. */
import type { z } from "zod";
import type { MessageState } from "../db/schema.ts";
import { maskLinks } from "../portal/links.ts";
import type { MessageDetailRow, MessageSummaryRow } from "./messages.store.ts";
import type { MessageDetail, MessageSummary } from "./schemas.ts";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function presentMessageSummary(m: MessageSummaryRow): z.input<typeof MessageSummary> {
  return {
    id: m.id,
    direction: m.direction,
    party: m.party,
    from: m.from_address,
    to: m.to_addresses,
    subject: m.subject,
    template: m.template,
    language: m.language,
    state: m.state as MessageState,
    created_at: m.created_at.toISOString(),
    sent_at: iso(m.sent_at),
    case_id: m.case_id,
    report_id: m.report_id,
    failure: m.failure,
    error: m.last_error,
    attempts: m.attempts,
  };
}

export function presentMessage(m: MessageDetailRow): z.input<typeof MessageDetail> {
  return {
    ...presentMessageSummary(m),
    body: m.body === null ? null : maskLinks(m.body),
    message_id: m.message_id,
    in_reply_to: m.in_reply_to,
    references: m.refs,
    meets: m.meets,
    actor: m.actor,
    attachments: m.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      sha256: a.sha256,
      url: `/api/v1/messages/${m.id}/attachments/${a.id}`,
    })),
  };
}

/** The case's contact problems: messages that did not reach their reader because the address is wrong. */
export function contactProblems(rows: readonly MessageSummaryRow[]) {
  return rows
    .filter(
      (m) =>
        m.state === "failed" &&
        (m.failure === "bounced" || m.failure === "refused" || m.failure === "no_address"),
    )
    .map((m) => ({
      message: m.id,
      party: m.party,
      to: m.to_addresses,
      failure: m.failure!,
      reason: m.last_error ?? "",
      at: m.created_at.toISOString(),
    }));
}

/** One line on the case timeline for a message's entry in the audit log. */
export function describeMessageEntry(action: string, d: Record<string, unknown>): string {
  const what = typeof d.template === "string" && d.template ? d.template.replaceAll("_", " ") : "message";
  const party = typeof d.party === "string" ? d.party : "someone";
  const id = typeof d.message === "number" ? ` (message ${d.message})` : "";
  switch (action) {
    case "message.queued":
      return `${what} to the ${party} written${id}`;
    case "message.sent":
      return `${what} sent to the ${party}${id}`;
    case "message.received":
      return `${d.via === "portal" ? `the ${party} ${d.kind === "upload" ? "uploaded a file" : d.kind === "solved" ? "says it is solved" : "answered"} in the portal` : `reply received from the ${party}`}${d.automatic ? " (automatic reply)" : ""}${id}`;
    case "message.failed":
      return `${what} to the ${party} failed: ${String(d.reason ?? "")}${id}`;
    case "message.bounced":
      return `${String(d.reason ?? `the ${party}'s address does not work`)}${id}`;
    case "message.withheld":
      return `${what} to the ${party} withheld: ${d.reason === "gag" ? "an authority's order forbids telling the customer" : String(d.reason ?? "")}`;
    case "message.delayed":
      return `delivery to the ${party} is delayed${id}`;
    default:
      return `${what} to the ${party} will be sent again${id}`;
  }
}
