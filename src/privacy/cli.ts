/** `abusedesk privacy export|erase`: what is held about a person, as a ZIP; erasure with a reason. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { SYSTEM } from "../auth/auth.store.ts";
import type { CliContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { eraseSubject } from "./erase.ts";
import { exportSubject } from "./export.ts";
import { runPurge } from "./purge.ts";
import { parseRetention } from "./retention.ts";

export function privacyCommands(program: Command, cli: CliContext): void {
  const privacy = program.command("privacy").description("what the desk holds about a person");
  privacy
    .command("export")
    .description("everything held about an e-mail address, a name or a customer id, as a ZIP (audited)")
    .requiredOption("--subject <subject>", "an e-mail address, a name or a customer id")
    .option("--out <file>", "where to write the ZIP", "abusedesk-privacy-export.zip")
    .action(async (opts: { subject: string; out: string }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn) => {
        const result = await exportSubject(conn.db, { ...SYSTEM, name: "cli:privacy-export" }, opts.subject);
        if (!result.ok) throw new UserError(result.error.message);
        writeFileSync(opts.out, result.value.zip);
        const counts = Object.entries(result.value.counts)
          .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
          .join(", ");
        console.log(`wrote ${opts.out}: ${counts}`);
      });
    });
  privacy
    .command("erase")
    .description("erase a reporter's personal data where the law allows (refused for open cases and holds)")
    .requiredOption("--subject <subject>", "the reporter's e-mail address (or name)")
    .requiredOption("--reason <reason>", "the request and its ground, recorded in the audit log")
    .action(async (opts: { subject: string; reason: string }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn) => {
        const result = await eraseSubject(
          conn.db,
          { ...SYSTEM, name: "cli:privacy-erase" },
          opts.subject,
          opts.reason,
        );
        if (!result.ok) throw new UserError(result.error.message);
        const c = result.value;
        console.log(
          `erased: ${c.reporters} reporter records, ${c.reports} raw reports, ${c.messages} messages, ${c.notices} notices`,
        );
      });
    });
  privacy
    .command("purge")
    .description("take away personal data past its retention term now (the worker does it every hour)")
    .option(
      "--retention <terms>",
      "kind=days,brand.kind=days (default: ABUSEDESK_RETENTION, else the defaults)",
    )
    .option("--dry-run", "count what would be taken, take nothing")
    .action(async (opts: { retention?: string; dryRun?: boolean }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn, _log, config) => {
        const retention = parseRetention(opts.retention ?? config.retention);
        if (!retention.ok) throw new UserError(retention.error);
        const c = await runPurge(conn.db, retention.value, { dryRun: opts.dryRun === true });
        console.log(
          `${opts.dryRun ? "would purge" : "purged"}: ${c.raw_reports} raw reports, ${c.messages} messages, ${c.reporters} reporter records, ${c.events} events`,
        );
      });
    });
}
