/** `abusedesk inventory …`: import (and sync) the inventory CSV, re-resolve events, the brands' own ranges. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { Logger } from "pino";
import { loadPolicies } from "../app.ts";
import { createCaseGrouper } from "../cases/grouping.ts";
import type { CliContext } from "../command.ts";
import type { Config } from "../config.ts";
import type { Connection } from "../db/index.ts";
import { UserError } from "../errors.ts";
import { createResolver, type ReresolveOutcome } from "../resolution/resolver.ts";
import { describeImport, importInventoryFile } from "./import.ts";
import { addBrandRange, listBrandRanges } from "./ranges.store.ts";

/** A resolver and the case grouper, for the length of one command. */
async function withResolution<T>(
  conn: Connection,
  log: Logger,
  config: Config,
  fn: (ctx: {
    resolver: Awaited<ReturnType<typeof createResolver>>;
    group: ReturnType<typeof createCaseGrouper>["group"];
  }) => Promise<T>,
): Promise<T> {
  const policies = await loadPolicies(config);
  const grouper = createCaseGrouper(conn.db, policies, log);
  // a short-lived command needs no LISTEN connection: it catches up before it resolves
  const resolver = await createResolver(conn.db, log, { listen: false, rdapUrl: null });
  try {
    return await fn({ resolver, group: grouper.group });
  } finally {
    await resolver.close();
  }
}

function describeReresolve(r: ReresolveOutcome): string {
  return (
    `events re-resolved: ${r.matched} of ${r.examined} examined now matched` +
    (r.more ? " (the limit was reached: run the command again for the rest)\n" : "\n")
  );
}

export function inventoryCommands(program: Command, cli: CliContext): void {
  const inventory = program.command("inventory").description("customers' resources: import, sync, ranges");

  inventory
    .command("import")
    .description("import the inventory CSV (whole or nothing); prints what changed")
    .argument("<file>", "CSV: customer_id,customer_name,brand,contact_email,kind,value,valid_from,valid_to")
    .option("--sync", "the file is the whole truth for the brand: resources it no longer lists are closed")
    .option("--brand <brand>", "every row must be of this brand (and a sync is for it)")
    .option("--force", "allow a sync with an empty file (closes every current resource of the brand)")
    .option("--preview", "print what the import would change, and store nothing")
    .action(
      async (
        file: string,
        opts: { sync?: boolean; brand?: string; force?: boolean; preview?: boolean },
        cmd: Command,
      ) => {
        let text: Buffer;
        try {
          text = await readFile(file);
        } catch (err) {
          throw new UserError(
            `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          );
        }
        await cli.withDatabase(cmd, async (conn, log, config) => {
          const result = await withResolution(conn, log, config, ({ resolver, group }) =>
            importInventoryFile({ db: conn.db, log, resolver, group }, cli.actor, text, {
              sync: opts.sync === true,
              brand: opts.brand ?? null,
              force: opts.force === true,
              filename: path.basename(file),
              preview: opts.preview === true,
            }),
          );
          if (!result.ok) {
            for (const p of result.error.problems) process.stderr.write(`${p.message}\n`);
            throw new UserError(`${file}: ${result.error.message}`);
          }
          process.stdout.write(describeImport(result.value));
        });
      },
    );

  inventory
    .command("reresolve")
    .description(
      "resolve not-ours and pending events again against the current inventory (matched events keep theirs)",
    )
    .option("--since <date>", "only events received since then, e.g. 2026-01-01")
    .option("--limit <n>", "at most this many events", "1000000")
    .action(async (opts: { since?: string; limit: string }, cmd: Command) => {
      const since = opts.since ? new Date(opts.since) : null;
      if (since && Number.isNaN(since.getTime())) {
        throw new UserError(
          `--since ${opts.since} is not a date; write e.g. 2026-01-01 or 2026-01-01T12:00:00Z`,
        );
      }
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UserError("--limit must be a whole number above 0");
      await cli.withDatabase(cmd, async (conn, log, config) => {
        const outcome = await withResolution(conn, log, config, ({ resolver, group }) =>
          resolver.reresolve(conn.db, { since, limit, group }),
        );
        process.stdout.write(describeReresolve(outcome));
      });
    });

  const ranges = inventory.command("ranges").description("the address space each brand holds itself");
  ranges
    .command("add")
    .description(
      "add a range of a brand (its RIPE allocation), so not-ours events say whether they are in it",
    )
    .argument("<brand>", "brand id, e.g. x2com-nl")
    .argument("<cidr>", "e.g. 192.0.2.0/24 or 2001:db8::/32")
    .option("--note <text>", "what it is")
    .action(async (brand: string, cidr: string, opts: { note?: string }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn) => {
        const result = await addBrandRange(conn.db, cli.actor, brand, cidr, opts.note ?? null);
        if (!result.ok) throw new UserError(result.error.message);
        const r = result.value.range;
        process.stdout.write(
          `${r.cidr} ${result.value.created ? "added to" : "was already a range of"} ${r.brand_id}\n`,
        );
      });
    });
  ranges
    .command("list")
    .description("list the brands' ranges")
    .option("--brand <brand>", "only this brand")
    .action(async (opts: { brand?: string }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn) => {
        for (const r of await listBrandRanges(conn.db, opts.brand)) {
          process.stdout.write(`${r.brand_id}\t${r.cidr}${r.note ? `\t${r.note}` : ""}\n`);
        }
      });
    });
}
