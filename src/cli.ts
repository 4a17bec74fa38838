/** The command line: `abusedesk <command>`. The contract is in ARCHITECTURE.md; extend it by adding. */
import { Command, Option } from "commander";
import { sql } from "kysely";
import { startDesk, withServices } from "./app.ts";
import { verifyAuditLog } from "./audit.ts";
import { createToken, createUser } from "./auth/auth.store.ts";
import { userCommands } from "./auth/cli.ts";
import { ROLES } from "./auth/roles.ts";
import { caseCommands } from "./cases/cli.ts";
import { classificationCommands } from "./classification/cli.ts";
import { CLI_ACTOR, cliContext, setup, withDatabase } from "./command.ts";
import { loadDemo } from "./demo.ts";
import { loadDemoReports } from "./demo-reports.ts";
import { UserError } from "./errors.ts";
import { collectCommands, intakeCommands } from "./intake/cli.ts";
import { inventoryCommands } from "./inventory/cli.ts";
import { Jobs } from "./jobs.ts";
import { outboxCommands } from "./messages/cli.ts";
import { privacyCommands } from "./privacy/cli.ts";

/** `abusedesk start`'s own options. */
interface StartOptions {
  http?: string;
  smtp?: string;
  role?: string;
  demo?: boolean;
  senderProfiles?: string;
  referenceDomains?: string;
  retention?: string;
  smtpName?: string;
  smtpConnectionsPerMinute?: string;
  smtpMessagesPerMinute?: string;
  smtpRateExempt?: string;
  signInRateAddress?: string;
  signInRateAccount?: string;
  publicRate?: string;
  trustProxy?: string;
  connectors?: string;
  relay?: string;
  publicUrl?: string;
  templates?: string;
}

const program = new Command()
  .name("abusedesk")
  .description("Abuse desk and notice-and-takedown platform")
  .option(
    "--data-dir <dir>",
    "data folder of the embedded PostgreSQL (ignored when DATABASE_URL is set)",
    undefined,
  )
  .option("--verbose", "show stack traces and debug logs")
  .addOption(
    new Option("--log-level <level>", "log level").choices([
      "fatal",
      "error",
      "warn",
      "info",
      "debug",
      "trace",
      "silent",
    ]),
  )
  .addOption(
    new Option("--log-format <format>", "pretty text, JSON lines, or auto (pretty on a terminal)").choices([
      "auto",
      "pretty",
      "json",
    ]),
  )
  .showHelpAfterError();

program
  .command("start")
  .description("start abusedesk: HTTP (API and console), SMTP intake and workers")
  .option("--http <host:port>", "HTTP address", undefined)
  .option("--smtp <host:port>", "SMTP address", undefined)
  .addOption(
    new Option("--role <role>", "which part this process plays").choices(["all", "web", "smtp", "worker"]),
  )
  .option("--demo", "load the demo brands and customers")
  .option("--sender-profiles <file>", "YAML file of sender profiles (ABUSEDESK_SENDER_PROFILES)")
  .option(
    "--reference-domains <domains>",
    "comma-separated domains whose links are never subjects (ABUSEDESK_REFERENCE_DOMAINS)",
  )
  .option("--smtp-name <host>", "the host name the SMTP listener greets with (default: this machine's)")
  .option("--smtp-connections-per-minute <n>", "SMTP connections per client address per minute (default 60)")
  .option("--smtp-messages-per-minute <n>", "SMTP messages per client address per minute (default 120)")
  .option(
    "--smtp-rate-exempt <networks>",
    "addresses no SMTP rate limit applies to (default 127.0.0.0/8,::1)",
  )
  .option("--sign-in-rate-address <rate>", "sign-in attempts per client address, e.g. 30/15m")
  .option("--sign-in-rate-account <rate>", "sign-in attempts per account, e.g. 10/15m")
  .option("--public-rate <rate>", "requests per client address on public routes, e.g. 60/1m")
  .option("--trust-proxy <addresses>", "reverse proxies whose X-Forwarded-For is believed (comma-separated)")
  .option("--connectors <file>", "the YAML file of measure connectors (docs/measures.md)")
  .option("--relay <url>", "SMTP relay for outgoing mail: smtp://user:pass@host:port or smtps://…")
  .option("--public-url <url>", "where people reach the portal, for links in messages")
  .option("--templates <dir>", "folder of your own message templates (docs/messages.md)")
  .option(
    "--retention <terms>",
    "how long personal data is kept: kind=days,brand.kind=days (docs/privacy.md)",
  )
  .action(async (opts: StartOptions, cmd: Command) => {
    const { config, log } = setup(cmd, "info", {
      http: opts.http,
      smtp: opts.smtp,
      role: opts.role,
      demo: opts.demo,
      senderProfiles: opts.senderProfiles,
      referenceDomains: opts.referenceDomains,
      retention: opts.retention,
      smtpName: opts.smtpName,
      smtpConnectionsPerMinute: opts.smtpConnectionsPerMinute,
      smtpMessagesPerMinute: opts.smtpMessagesPerMinute,
      smtpRateExempt: opts.smtpRateExempt,
      signInRateAddress: opts.signInRateAddress,
      signInRateAccount: opts.signInRateAccount,
      publicRate: opts.publicRate,
      trustProxy: opts.trustProxy,
      connectors: opts.connectors,
      relay: opts.relay,
      publicUrl: opts.publicUrl,
      templatesDir: opts.templates,
    });
    // Signals are taken from the first moment: a Ctrl-C while starting stops in order once started.
    let signalled: string | null = null;
    let onStop: (() => void) | null = null;
    const onSignal = (signal: string) => {
      if (signalled) {
        log.warn("second signal: exiting at once");
        process.exit(1);
      }
      signalled = signal;
      log.info({ signal }, "shutting down: no new work is taken; what runs is finished");
      onStop?.();
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    const desk = await startDesk(config, log);
    const where = [
      desk.http && `HTTP on http://${desk.http.host}:${desk.http.port}/`,
      desk.smtp && `SMTP on ${desk.smtp.host}:${desk.smtp.port}`,
      config.role === "all" || config.role === "worker" ? "worker running" : null,
    ].filter(Boolean);
    log.info({ database: desk.conn.where, role: config.role }, `abusedesk started: ${where.join(", ")}`);
    process.stdout.write(`abusedesk is running (${config.role}): ${where.join(", ")}. Stop with Ctrl-C.\n`);
    if (!signalled) await new Promise<void>((resolve) => (onStop = resolve));
    try {
      await desk.stop();
      log.info("stopped");
    } catch (err) {
      log.error({ err }, "shutdown did not finish cleanly");
      process.exitCode = 1;
    }
  });

program
  .command("migrate")
  .description("apply pending database migrations")
  .action(async (_opts, cmd: Command) => {
    await withDatabase(cmd, async (conn) => {
      // withDatabase has migrated already; say what is there.
      const rows = await conn.db
        .selectFrom("kysely_migration" as never)
        .select("name" as never)
        .execute();
      process.stdout.write(`database at ${conn.where} is up to date (${rows.length} migrations applied)\n`);
    });
  });

program
  .command("demo")
  .description("load the demo brands (the four seed providers), customers, inventory and reports")
  .action(async (_opts, cmd: Command) => {
    await withDatabase(cmd, async (conn, log, config) => {
      const counts = await loadDemo(conn.db, CLI_ACTOR);
      const reports = await withServices(conn, config, log, (services) => loadDemoReports(services));
      process.stdout.write(
        `demo loaded: ${counts.brands} brands, ${counts.customers} customers, ${counts.resources} resources; ` +
          `${reports.stored} new reports; the demo reports are in ${reports.cases} cases, ${reports.triage} in triage\n`,
      );
    });
  });

const user = program.command("user").description("console users");
user
  .command("create")
  .description("create a user; prints a one-time password")
  .requiredOption("--email <email>", "the user's e-mail address (their sign-in name)")
  .addOption(new Option("--role <role>", "the user's role").choices(ROLES).makeOptionMandatory())
  .option("--name <name>", "full name")
  .option("--brand <brand...>", "limit the user to these brands (default: every brand)")
  .action(async (opts: { email: string; role: string; name?: string; brand?: string[] }, cmd: Command) => {
    await withDatabase(cmd, async (conn) => {
      const result = await createUser(conn.db, CLI_ACTOR, { ...opts, brands: opts.brand ?? null });
      if (!result.ok) throw new UserError(result.error.message);
      process.stdout.write(
        `user ${result.value.email} (${result.value.role}) created; one-time password:\n${result.value.password}\n`,
      );
    });
  });

const token = program.command("token").description("API tokens");
token
  .command("create")
  .description("create an API token; prints it as the last line")
  .requiredOption("--name <name>", "who or what uses the token")
  .option("--user <email>", "the person the token belongs to (four eyes compare people); it gets their role")
  .addOption(
    new Option("--role <role>", "the token's role (for a person's token: theirs or a narrower one)").choices(
      ROLES,
    ),
  )
  .option("--service", "a token of no person, for a machine: it can never approve or take a severe step")
  .addOption(new Option("--scope <scope>", "read: the token may only read").choices(["read", "write"]))
  .option("--expires <date>", "when the token stops working (ISO date or time)")
  .option("--brand <brand...>", "limit the token to these brands (within its person's)")
  .action(
    async (
      opts: {
        name: string;
        user?: string;
        role?: string;
        service?: boolean;
        scope?: "read" | "write";
        expires?: string;
        brand?: string[];
      },
      cmd: Command,
    ) => {
      if (opts.user && opts.service) throw new UserError("give --user EMAIL or --service, not both");
      if (!opts.user && !opts.role)
        throw new UserError("give --user EMAIL for a person's token, or --service --role R for a machine's");
      const expiresAt = opts.expires ? new Date(opts.expires) : undefined;
      if (expiresAt && Number.isNaN(expiresAt.getTime()))
        throw new UserError(
          `--expires ${opts.expires} is not a date; write e.g. 2027-01-31 or 2027-01-31T18:00Z`,
        );
      await withDatabase(cmd, async (conn) => {
        const result = await createToken(conn.db, CLI_ACTOR, {
          name: opts.name,
          role: opts.role,
          user: opts.user,
          scope: opts.scope,
          expiresAt,
          brands: opts.brand,
        });
        if (!result.ok) throw new UserError(result.error.message);
        const v = result.value;
        const who = v.user ? `of ${v.user}` : "of no person (service)";
        process.stdout.write(
          `API token "${v.name}" ${who}, role ${v.role}, scope ${v.scope}${v.brands ? `, brands ${v.brands.join(", ")}` : ""}${v.expires_at ? `, until ${v.expires_at.toISOString()}` : ""}; it is shown only now:\n${v.token}\n`,
        );
      });
    },
  );

program
  .command("audit")
  .description("the audit log")
  .command("verify")
  .description("check that no audit entry was changed or deleted")
  .action(async (_opts, cmd: Command) => {
    await withDatabase(cmd, async (conn) => {
      const { count, head, problems, chains } = await verifyAuditLog(conn.db);
      for (const p of problems) process.stdout.write(`BROKEN at entry ${p.seq}: ${p.message}\n`);
      if (problems.length)
        throw new UserError(`the audit log has been tampered with: ${problems.length} problem(s) found`, 3);
      process.stdout.write(
        `audit log intact: ${count} entries in ${chains} chain${chains === 1 ? "" : "s"}; head hash ${head}\n`,
      );
    });
  });

program
  .command("jobs")
  .description("the job queue")
  .command("ping")
  .description("send ping jobs; a worker records each in the audit log")
  .option("--count <n>", "how many", "1")
  .option("--no-wait", "do not wait for a worker to do them")
  .action(async (opts: { count: string; wait: boolean }, cmd: Command) => {
    await withDatabase(cmd, async (conn, log) => {
      const n = Number(opts.count);
      if (!Number.isInteger(n) || n < 1 || n > 100_000)
        throw new UserError("--count must be a whole number from 1 to 100000");
      const jobs = await Jobs.start(conn.url, log, { supervise: false });
      try {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) {
          const id = await jobs.send("ping", { note: `ping ${i + 1}/${n}` });
          if (id) ids.push(id);
        }
        process.stdout.write(`${ids.length} ping job(s) sent\n`);
        if (!opts.wait) return;
        const until = Date.now() + 30_000;
        for (;;) {
          const done = await conn.db
            .selectFrom("audit_log")
            .select((eb) => eb.fn.count<number>("seq").as("n"))
            .where("action", "=", "job.ping")
            .where(sql<boolean>`subject_id = any(${ids}::text[])`)
            .executeTakeFirstOrThrow();
          if (Number(done.n) >= ids.length) break;
          if (Date.now() > until)
            throw new UserError(
              `no worker did the jobs within 30 s (${done.n}/${ids.length} done); is a worker running?`,
              2,
            );
          await new Promise((r) => setTimeout(r, 250));
        }
        process.stdout.write("all done by a worker\n");
      } finally {
        await jobs.stop();
      }
    });
  });

userCommands(program, user, token, cliContext);
intakeCommands(program, cliContext);
collectCommands(program, cliContext);
inventoryCommands(program, cliContext);
caseCommands(program, cliContext);
classificationCommands(program, cliContext);
outboxCommands(program, cliContext);
privacyCommands(program, cliContext);

export async function main(argv = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const verbose = argv.includes("--verbose");
    if (err instanceof UserError) {
      process.stderr.write(`abusedesk: ${err.message}\n`);
      if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(
        `abusedesk: unexpected error: ${(err as Error).message}${verbose ? "" : " (run with --verbose for details)"}\n`,
      );
      if (verbose) process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = 1;
    }
  }
}
