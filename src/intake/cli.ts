/** `abusedesk ingest FILE...`: import reports from files and say what became of each. */
import type { Command } from "commander";
import { withServices } from "../app.ts";
import type { CliContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { describeFileResult, type FileResult, ingestFile } from "./files.ts";
import { brandExists } from "./report.store.ts";
import { collectShadowserver, describeCollect, loadShadowserverConfig } from "./shadowserver-api.ts";

export function intakeCommands(program: Command, cli: CliContext): void {
  program
    .command("ingest")
    .description(
      "import reports from files: .eml, .mbox, Shadowserver .csv/.zip, X-ARF .json; prints what became of each",
    )
    .argument("<files...>", "the files")
    .option("--type <type>", "Shadowserver report type (e.g. scan_dns) when the file name does not say")
    .option(
      "--format <format>",
      "read every file as this format: arf, xarf, shadowserver, iodef, acns, spamcop, plain",
    )
    .option("--brand <brand>", "the brand the reports were sent to (e.g. x2com-nl)")
    .addHelpText(
      "after",
      "\nExit status: 0 when every file was stored and parsed (duplicates included), 2 when some landed in\n" +
        "triage for a person, 1 when a file could not be read or stored.",
    )
    .action(
      async (files: string[], opts: { type?: string; format?: string; brand?: string }, cmd: Command) => {
        await cli.withDatabase(cmd, async (conn, log, config) => {
          if (opts.brand && !(await brandExists(conn.db, opts.brand))) {
            throw new UserError(
              `there is no brand "${opts.brand}"; the brands are listed by GET /api/v1/brands`,
            );
          }
          const results: FileResult[] = [];
          await withServices(conn, config, log, async (services) => {
            for (const file of files) {
              const progress = progressLine(file);
              const result = await ingestFile(services, file, { ...opts, onProgress: progress.update });
              progress.clear();
              results.push(result);
              process.stdout.write(`${describeFileResult(result)}\n`);
            }
          });
          const failed = results.filter((r) => r.error).length;
          const triage = results.filter((r) =>
            r.reports.some((p) => !p.duplicate && p.state === "triage"),
          ).length;
          if (failed) throw new UserError(`${failed} of ${results.length} files failed`, 1);
          if (triage) {
            throw new UserError(
              `${triage} of ${results.length} files landed in triage: see GET /api/v1/reports?state=triage`,
              2,
            );
          }
        });
      },
    );
}

/**
 * `abusedesk collect shadowserver`: one run of the Shadowserver Reports API collector now (the worker runs
 * it every `interval_minutes`). The reports are stored; the intake workers parse them.
 */
export function collectCommands(program: Command, cli: CliContext): void {
  const collect = program.command("collect").description("fetch reports from a feed's API now");
  collect
    .command("shadowserver")
    .description(
      "list and download the Shadowserver reports of the configured keys (ABUSEDESK_SHADOWSERVER_CONFIG)",
    )
    .option("--config <file>", "the collector's JSON file (default: ABUSEDESK_SHADOWSERVER_CONFIG)")
    .option("--key <name>", "only this key of the file")
    .option("--date <YYYY-MM-DD...>", "these days (default: the file's `days` back from today)")
    .addHelpText(
      "after",
      "\nExit status: 0 when every listed report was stored or known, 1 when something failed.",
    )
    .action(async (opts: { config?: string; key?: string; date?: string[] }, cmd: Command) => {
      await cli.withDatabase(cmd, async (conn, _log, config) => {
        const file = opts.config ?? config.shadowserverConfig;
        const loaded = loadShadowserverConfig(file);
        if (!loaded)
          throw new UserError(
            "no Shadowserver configuration: give --config FILE or set ABUSEDESK_SHADOWSERVER_CONFIG (docs/intake.md)",
          );
        const keys = loaded.keys.filter((k) => !opts.key || k.name === opts.key);
        if (keys.length === 0)
          throw new UserError(
            `there is no key "${opts.key}" in ${file}; known: ${loaded.keys.map((k) => k.name).join(", ")}`,
          );
        for (const d of opts.date ?? [])
          if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)))
            throw new UserError(`--date ${d}: give a day as YYYY-MM-DD`);
        let failed = 0;
        for (const key of keys) {
          if (!(await brandExists(conn.db, key.brand)))
            throw new UserError(`Shadowserver key ${key.name}: there is no brand "${key.brand}"`);
          const r = await collectShadowserver(conn.db, loaded, key, {
            ...(opts.date ? { dates: opts.date } : {}),
            feeds: { threshold: config.streamThreshold, maxBytes: config.maxFeedBytes },
          });
          process.stdout.write(`${describeCollect(r)}\n`);
          failed += r.failed.length;
        }
        if (failed)
          throw new UserError(`${failed} report(s) could not be fetched; the next run tries them again`, 1);
      });
    });
}

/** A progress line on a terminal (rows/s and time left), nothing when the output is a file or pipe. */
function progressLine(file: string) {
  const tty = process.stderr.isTTY;
  const t0 = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done: number, total: number, unit: "events" | "messages") {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      const secs = (now - t0) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      // A streamed feed does not know its total until the end: rows so far and the speed.
      process.stderr.write(
        total > 0
          ? `\r${file}: ${done.toLocaleString("en")}/${total.toLocaleString("en")} ${unit} (${pct}%), ${Math.round(rate).toLocaleString("en")} ${unit === "events" ? "rows" : unit}/s, ETA ${eta} s   `
          : `\r${file}: ${done.toLocaleString("en")} rows, ${Math.round(rate).toLocaleString("en")} rows/s   `,
      );
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}
