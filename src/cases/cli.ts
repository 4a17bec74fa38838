/** `abusedesk cases list|show`: the queue and one case, for operators at a terminal. */
import type { Command } from "commander";
import { listBrands } from "../brands.ts";
import type { CliContext } from "../command.ts";
import type { DB } from "../db/index.ts";
import { UserError } from "../errors.ts";
import { DEFAULT_TIME_ZONE } from "../parsers/times.ts";
import { loadPolicyProfiles } from "../policy/load.ts";
import { listCases, readCase } from "./cases.store.ts";
import { caseText, queueText, type ZoneOf } from "./cli-text.ts";
import { presentCase, presentListItem } from "./present.ts";
import { isCaseState } from "./states.ts";

/** Exit status when what was asked for does not exist (a case, a brand). */
const NOT_FOUND = 2;

/** Each brand's time zone, for showing its cases' times. */
async function brandZones(db: DB): Promise<{ zoneOf: ZoneOf; ids: string[] }> {
  const brands = await listBrands(db);
  const zones = new Map(brands.map((b) => [b.id, b.time_zone]));
  return { zoneOf: (brand) => zones.get(brand) ?? DEFAULT_TIME_ZONE, ids: brands.map((b) => b.id) };
}

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
          const { zoneOf, ids } = await brandZones(conn.db);
          if (opts.brand && !ids.includes(opts.brand)) {
            throw new UserError(
              `there is no brand "${opts.brand}"; the brands are ${ids.length ? ids.join(", ") : "not set up yet (abusedesk demo loads the demo brands)"}`,
              NOT_FOUND,
            );
          }
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
          process.stdout.write(queueText(items, page.total, zoneOf));
        });
      },
    );

  cases
    .command("show <id>")
    .description("one case: deadlines, the proposed next step with its clause, and the timeline")
    .option("--json", "print the case JSON of the API")
    .action(async (idText: string, opts: { json?: boolean }, cmd: Command) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1)
        throw new UserError(`"${idText}" is not a case number; give one such as \`abusedesk cases show 12\``);
      await cli.withDatabase(cmd, async (conn, _log, config) => {
        const policies = await loadPolicyProfiles(config.policyDir);
        const result = await readCase(conn.db, policies, id);
        if (!result.ok)
          throw new UserError(
            `${result.error.message}; \`abusedesk cases list --state all\` lists every case`,
            NOT_FOUND,
          );
        const c = presentCase(result.value.bundle, result.value.assessment);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
          return;
        }
        const { zoneOf } = await brandZones(conn.db);
        process.stdout.write(caseText(c, zoneOf(c.brand)));
      });
    });
}
