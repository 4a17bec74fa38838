/** `abusedesk outbox list|send`: what waits to go out, and sending it once a relay is set. */
import type { Command } from "commander";
import { loadPolicies } from "../app.ts";
import { EVERY_BRAND } from "../auth/scope.ts";
import type { CliContext } from "../command.ts";
import type { MessageState } from "../db/schema.ts";
import { UserError } from "../errors.ts";
import { deliverAll } from "./delivery.ts";
import { listMessages, releaseHeld } from "./messages.store.ts";
import { presentMessageSummary } from "./present.ts";
import { createRelay, parseRelayUrl } from "./relay.ts";
import { MESSAGE_STATES } from "./schemas.ts";
import { buildMessageDeps } from "./setup.ts";

export function outboxCommands(program: Command, cli: CliContext): void {
  const outbox = program.command("outbox").description("outgoing messages: held, queued, sent, failed");

  outbox
    .command("list")
    .description("messages that have not gone out (held, queued, failed); --state for others")
    .option(
      "--state <states>",
      "comma-separated: held, queued, sent, failed, received, or all",
      "held,queued,failed",
    )
    .option("--limit <n>", "how many, newest first", "50")
    .option("--json", "print JSON")
    .action(async (opts: { state: string; limit: string; json?: boolean }, cmd: Command) => {
      const states =
        opts.state === "all"
          ? [...MESSAGE_STATES]
          : opts.state
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean);
      for (const s of states)
        if (!(MESSAGE_STATES as readonly string[]).includes(s))
          throw new UserError(`"${s}" is not a message state; use ${MESSAGE_STATES.join(", ")} or all`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UserError("--limit must be a whole number from 1 to 1000");
      await cli.withDatabase(cmd, async (conn) => {
        const items = [];
        let total = 0;
        for (const state of states) {
          const page = await listMessages(conn.db, {
            state: state as MessageState,
            limit,
            scope: EVERY_BRAND,
          });
          total += page.total;
          items.push(...page.rows.slice(0, limit).map(presentMessageSummary));
        }
        items.sort((a, b) => b.id - a.id);
        const shown = items.slice(0, limit);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ items: shown, total }, null, 2)}\n`);
          return;
        }
        for (const m of shown)
          process.stdout.write(
            `${String(m.id).padStart(7)}  ${m.state.padEnd(8)} ${m.direction === "in" ? "from" : "to  "} ${m.party.padEnd(9)} ${(m.to.join(",") || m.from || "-").slice(0, 40).padEnd(40)} ${(m.template ?? "(own words)").padEnd(20)} ${m.case_id ? `case ${m.case_id}` : ""}${m.error ? `  ${m.failure ?? "error"}: ${m.error.slice(0, 80)}` : ""}\n`,
          );
        process.stdout.write(`${shown.length} of ${total} message(s) (${states.join(", ")})\n`);
      });
    });

  outbox
    .command("send")
    .description("send what is held and due now through the relay (ABUSEDESK_RELAY or --relay)")
    .option("--relay <url>", "smtp://user:password@host:port or smtps://…; default ABUSEDESK_RELAY")
    .action(async (opts: { relay?: string }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn, log, config) => {
        const url = opts.relay ?? config.relay;
        if (!url)
          throw new UserError(
            "no relay is set, so nothing can be sent; give --relay smtp://user:password@host:port or set ABUSEDESK_RELAY",
          );
        const settings = parseRelayUrl(url);
        const policies = await loadPolicies(config);
        const deps = await buildMessageDeps({ ...config, relay: url }, policies, log);
        const relay = createRelay(settings, { connections: config.outboxConcurrency });
        try {
          const released = await releaseHeld(conn.db);
          const counts = await deliverAll(conn.db, deps, relay, { lanes: config.outboxConcurrency });
          process.stdout.write(
            `${released} held message(s) released; through ${relay.where}: ${counts.sent} sent, ${counts.failed} failed, ${counts.retry} to be tried again later\n`,
          );
          if (counts.failed > 0)
            process.stdout.write("see `abusedesk outbox list --state failed` for why each failed\n");
        } finally {
          relay.close();
        }
      });
    });
}
