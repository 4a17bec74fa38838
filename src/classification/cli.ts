/**
 * `abusedesk reports classify` (a report out of triage) and `abusedesk mapping list|add|remove|apply` (the
 * rules that teach the desk a sender's labels). Every change is made by the CLI's actor and audited.
 */
import type { Command } from "commander";
import { withServices } from "../app.ts";
import type { CliContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { CATEGORY_IDS } from "../taxonomy.ts";
import { addMapping, applyMapping, classifyReport, mappings, removeMapping } from "./classify.ts";

function idOf(value: string, what: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1)
    throw new UserError(`${what} "${value}" is not a number; give e.g. 12`);
  return id;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function classificationCommands(program: Command, cli: CliContext): void {
  const reports = program.command("reports").description("reports that came in");
  reports
    .command("classify")
    .description("take a report out of triage: say what it is; its events are filed into cases")
    .argument("<id>", "the report's id")
    .requiredOption("--category <category>", `one of ${CATEGORY_IDS.join(", ")}`)
    .option(
      "--subject <subject>",
      "what it is about: an IP (192.0.2.1 or 192.0.2.1:25), URL, domain, e-mail or +phone; repeat for more; read from the report when absent",
      collect,
    )
    .option("--occurred-at <time>", "when the abuse happened (ISO time, e.g. 2026-03-04T10:15:00Z)")
    .action(
      async (
        id: string,
        opts: { category: string; subject?: string[]; occurredAt?: string },
        cmd: Command,
      ) => {
        const reportId = idOf(id, "report");
        await cli.withDatabase(cmd, async (conn, log, config) => {
          const result = await withServices(conn, config, log, (services) =>
            classifyReport(
              conn.db,
              services.pipeline,
              cli.actor,
              reportId,
              { category: opts.category, subjects: opts.subject, occurred_at: opts.occurredAt },
              services.parsing,
            ),
          );
          if (!result.ok) throw new UserError(result.error.message);
          const v = result.value;
          const cases = v.cases.length
            ? `, ${v.cases.length === 1 ? "case" : "cases"} ${v.cases.join(", ")}`
            : ", no case (not ours)";
          process.stdout.write(
            `report ${v.id}: classified as ${v.category}: ${v.events} ${v.events === 1 ? "event" : "events"}${cases}\n`,
          );
        });
      },
    );

  const mapping = program
    .command("mapping")
    .description(
      "mapping rules: a sender's own label (e.g. Shadowserver's population_bgp) → one of our categories",
    );
  mapping
    .command("list")
    .description("the mapping rules")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn) => {
        const items = await mappings(conn.db);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ items, total: items.length }, null, 2)}\n`);
          return;
        }
        if (items.length === 0) {
          process.stdout.write(
            "no mapping rules; add one with `abusedesk mapping add --format F --label L --category C`\n",
          );
          return;
        }
        process.stdout.write(
          `${"ID".padStart(5)}  ${"FORMAT".padEnd(14)} ${"LABEL".padEnd(32)} ${"SENDER".padEnd(22)} CATEGORY\n`,
        );
        for (const m of items)
          process.stdout.write(
            `${String(m.id).padStart(5)}  ${m.format.padEnd(14)} ${m.label.padEnd(32)} ${(m.sender ?? "(any)").padEnd(22)} ${m.category}\n`,
          );
      });
    });
  mapping
    .command("add")
    .description("map a sender's label to a category: applies to later reports at once (no restart)")
    .requiredOption(
      "--format <format>",
      "the report format: shadowserver, xarf-v4, xarf-v3, xarf-0.2, arf, abusehub-csv, iodef, or * for any",
    )
    .requiredOption("--label <label>", "the sender's own label, e.g. population_bgp")
    .requiredOption("--category <category>", `one of ${CATEGORY_IDS.join(", ")}`)
    .option("--sender <domain>", "only for reports from this e-mail domain, e.g. shadowserver.org")
    .option("--note <text>", "why")
    .option("--apply", "also reclassify the open cases that wait for this label")
    .action(
      async (
        opts: {
          format: string;
          label: string;
          category: string;
          sender?: string;
          note?: string;
          apply?: boolean;
        },
        cmd: Command,
      ) => {
        await cli.withDatabase(cmd, async (conn, log, config) => {
          const added = await addMapping(conn.db, cli.actor, opts);
          if (!added.ok) throw new UserError(added.error.message);
          const m = added.value.mapping;
          const open = added.value.open_cases;
          process.stdout.write(
            `mapping ${m.id}: "${m.label}" of ${m.format}${m.sender ? ` from ${m.sender}` : ""} → ${m.category}; later reports use it at once\n`,
          );
          if (!opts.apply) {
            if (open.length)
              process.stdout.write(
                `${open.length} open case(s) wait for this label (${open
                  .map((c) => c.id)
                  .slice(0, 20)
                  .join(", ")}); reclassify them with \`abusedesk mapping apply ${m.id}\`\n`,
              );
            return;
          }
          const applied = await withServices(conn, config, log, (services) =>
            applyMapping(conn.db, services.pipeline, cli.actor, m.id),
          );
          if (!applied.ok) throw new UserError(applied.error.message);
          process.stdout.write(describeApplied(applied.value.cases));
        });
      },
    );
  mapping
    .command("apply")
    .description("reclassify the open cases that wait for a rule's label")
    .argument("<id>", "the rule's id (`abusedesk mapping list`)")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ruleId = idOf(id, "mapping rule");
      await cli.withDatabase(cmd, async (conn, log, config) => {
        const applied = await withServices(conn, config, log, (services) =>
          applyMapping(conn.db, services.pipeline, cli.actor, ruleId),
        );
        if (!applied.ok) throw new UserError(applied.error.message);
        process.stdout.write(describeApplied(applied.value.cases));
      });
    });
  mapping
    .command("remove")
    .description("remove a rule (cases it classified stay as they are)")
    .argument("<id>", "the rule's id")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ruleId = idOf(id, "mapping rule");
      await cli.withDatabase(cmd, async (conn) => {
        const removed = await removeMapping(conn.db, cli.actor, ruleId);
        if (!removed.ok) throw new UserError(removed.error.message);
        process.stdout.write(`mapping ${ruleId} removed\n`);
      });
    });
}

function describeApplied(cases: { id: number; events: number; cases: number[]; closed: boolean }[]): string {
  if (cases.length === 0) return "no open case waits for this label\n";
  const events = cases.reduce((n, c) => n + c.events, 0);
  const into = [...new Set(cases.flatMap((c) => c.cases))].sort((a, b) => a - b);
  return `${cases.length} case(s) reclassified: ${events} event(s) filed into case(s) ${into.join(", ")}\n`;
}
