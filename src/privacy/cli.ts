/** `abusedesk privacy export --subject S [--out FILE]`: everything held about a person, as a ZIP. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { SYSTEM } from "../auth/auth.store.ts";
import type { CliContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { exportSubject } from "./export.ts";

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
}
