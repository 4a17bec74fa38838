/** `abusedesk cases list|show`: the queue and one case, for operators at a terminal. */
import type { Command } from "commander";
import type { CliContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { loadPolicyProfiles } from "../policy/load.ts";
import { listCases, readCase } from "./cases.store.ts";
import { presentCase, presentListItem } from "./present.ts";
import { isCaseState } from "./states.ts";

export function caseCommands(program: Command, cli: CliContext): void {
  const cases = program.command("cases").description("the case queue and single cases");

  cases
    .command("list")
    .description("open cases, what is due first (--state all for every case)")
    .option("--state <states>", "open (default), all, or a comma-separated list of states")
    .option("--brand <brand>", "only this brand")
    .option("--customer <id>", "only this customer")
    .option("--limit <n>", "how many", "50")
    .option("--json", "print JSON")
    .action(
      async (
        opts: { state?: string; brand?: string; customer?: string; limit: string; json?: boolean },
        cmd: Command,
      ) => {
        const states =
          !opts.state || opts.state === "open"
            ? undefined
            : opts.state === "all"
              ? []
              : opts.state.split(",").map((s) => s.trim());
        for (const s of states ?? [])
          if (!isCaseState(s))
            throw new UserError(`"${s}" is not a case state; use open, all or e.g. new,in_review`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new UserError("--limit must be a whole number from 1 to 1000");
        await cli.withDatabase(cmd, async (conn) => {
          const page = await listCases(
            conn.db,
            {
              ...(states ? { states: states as never } : {}),
              ...(opts.brand ? { brand: opts.brand } : {}),
              ...(opts.customer ? { customer: opts.customer } : {}),
            },
            { limit },
          );
          const items = page.rows.map(presentListItem);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ items, total: page.total }, null, 2)}\n`);
            return;
          }
          for (const c of items)
            process.stdout.write(
              `${String(c.id).padStart(7)}  ${c.state.padEnd(16)} ${c.brand.padEnd(9)} ${(c.customer?.id ?? "-").padEnd(12)} ${c.category.padEnd(14)} ${String(c.event_count).padStart(6)} ev  due ${c.next_deadline ? `${c.next_deadline.due_at} (${c.next_deadline.name})` : "-"}${c.escalated ? "  ESCALATED" : ""}\n`,
            );
          process.stdout.write(`${items.length} of ${page.total} case(s)\n`);
        });
      },
    );

  cases
    .command("show <id>")
    .description("one case: deadlines, the proposed next step with its clause, and the timeline")
    .option("--json", "print the case JSON of the API")
    .action(async (idText: string, opts: { json?: boolean }, cmd: Command) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1) throw new UserError(`"${idText}" is not a case id`);
      await cli.withDatabase(cmd, async (conn, _log, config) => {
        const policies = await loadPolicyProfiles(config.policyDir);
        const result = await readCase(conn.db, policies, id);
        if (!result.ok) throw new UserError(result.error.message);
        const c = presentCase(result.value.bundle, result.value.assessment);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
          return;
        }
        const out = [
          `Case ${c.id}: ${c.category} (${c.kind}) of ${c.customer ? `${c.customer.name} [${c.customer.id}]` : "no customer"}, brand ${c.brand}`,
          `State: ${c.state}${c.escalated ? " (escalated)" : ""}; ${c.event_count} event(s) about ${c.subject_count} subject(s): ${c.subjects.slice(0, 5).join(", ")}${c.subject_count > 5 ? ", …" : ""}`,
          "Deadlines:",
          ...c.deadlines.map(
            (d) =>
              `  ${d.name.padEnd(30)} ${d.due_at}  ${d.met_at ? "met" : d.overdue ? "OVERDUE" : ""}  (${d.source})`,
          ),
          c.proposal
            ? `Proposed: ${c.proposal.step}\n  ${c.proposal.clause.document}, ${c.proposal.clause.article}:\n  "${c.proposal.clause.quote}"\n  ${c.proposal.reasoning}`
            : `Proposed: nothing (${c.proposal_note ?? "no profile"})`,
          "Timeline:",
          ...c.timeline.map((e) => `  ${e.at}  ${(e.actor ?? "").padEnd(22)} ${e.summary}`),
        ];
        process.stdout.write(`${out.join("\n")}\n`);
      });
    });
}
