/**
 * The composition root: builds every service from the config, explicitly, and starts the roles this
 * process plays (web, smtp, worker, or all). `stop()` shuts them down in the reverse order.
 */
import type { Logger } from "pino";
import client from "prom-client";
import { appendAudit } from "./audit.ts";
import { createUser, SYSTEM } from "./auth/auth.store.ts";
import { authApi } from "./auth/routes.ts";
import { signInWeb } from "./auth/web.ts";
import { brandsApi } from "./brands.ts";
import { createCaseGrouper } from "./cases/grouping.ts";
import { casesApi } from "./cases/routes.ts";
import { startCaseWorkers } from "./cases/timers.ts";
import { classificationApi } from "./classification/routes.ts";
import { loadSenderProfiles, SenderProfileError } from "./classification/sender-profiles.ts";
import { type Config, secretFromEnvironment } from "./config.ts";
import { type Connection, connect, migrate } from "./db/index.ts";
import { loadDemo } from "./demo.ts";
import { loadDemoReports } from "./demo-reports.ts";
import { UserError } from "./errors.ts";
import { eventsApi } from "./events/routes.ts";
import { intakeApi } from "./intake/routes.ts";
import { type SmtpListener, startSmtp } from "./intake/smtp.ts";
import { startIntakeWorkers } from "./intake/worker.ts";
import { startReresolveWorker } from "./inventory/reresolve-job.ts";
import { inventoryApi } from "./inventory/routes.ts";
import { Jobs } from "./jobs.ts";
import { ConnectorsFileError } from "./measures/connectors/config.ts";
import { type Connectors, loadConnectors } from "./measures/connectors/index.ts";
import { startMeasureWorkers } from "./measures/execute.ts";
import { alongTimeline, type MeasureNotifier } from "./measures/notifier.ts";
import { measuresApi } from "./measures/routes.ts";
import { createMessageNotifier } from "./messages/outbox.ts";
import { messagesApi } from "./messages/routes.ts";
import { buildMessageDeps, defaultPublicUrl, startMessageWorkers } from "./messages/setup.ts";
import { noticeWeb } from "./ntd/form.ts";
import { noticesApi, statementsApi } from "./ntd/routes.ts";
import { ordersApi } from "./orders/routes.ts";
import type { ParseContext } from "./parsers/types.ts";
import type { Pipeline } from "./pipeline.ts";
import { loadPolicyProfiles, PolicyProfileError } from "./policy/load.ts";
import type { PolicyProfile } from "./policy/schema.ts";
import { portalWeb } from "./portal/routes.ts";
import { startRetentionWorker } from "./privacy/purge.ts";
import { retentionOf } from "./privacy/retention.ts";
import { privacyApi } from "./privacy/routes.ts";
import { reportingApi } from "./reporting/routes.ts";
import { createResolver, type Resolver } from "./resolution/resolver.ts";
import { type App, buildServer, type Routes, type Services } from "./server.ts";
import { settingsApi } from "./settings/routes.ts";
import { consoleWeb } from "./web/routes.ts";

export const ROUTES: Routes = {
  api: [
    authApi,
    brandsApi,
    intakeApi,
    eventsApi,
    inventoryApi,
    casesApi,
    classificationApi,
    measuresApi,
    ordersApi,
    messagesApi,
    privacyApi,
    statementsApi,
    noticesApi,
    reportingApi,
    settingsApi,
  ],
  web: [signInWeb, consoleWeb, portalWeb, noticeWeb],
};

/** What the worker role's parts get. */
export interface WorkerContext {
  conn: Connection;
  jobs: Jobs;
  log: Logger;
  services: Services;
  /** The process's resolver (made at first use); startDesk gives it. */
  resolver?: () => Promise<Resolver>;
}

export interface Desk {
  conn: Connection;
  jobs: Jobs;
  services: Services;
  http: { host: string; port: number } | null;
  smtp: { host: string; port: number } | null;
  stop(): Promise<void>;
}

/** The brands' policy profiles; a broken one stops start-up with file, line and reason. */
export async function loadPolicies(config: Config): Promise<ReadonlyMap<string, PolicyProfile>> {
  try {
    return await loadPolicyProfiles(config.policyDir, { documentsDir: config.policyDocumentsDir });
  } catch (err) {
    if (err instanceof PolicyProfileError) throw new UserError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UserError(`the policy folder ${config.policyDir} does not exist; set ABUSEDESK_POLICY_DIR`);
    }
    throw err;
  }
}

/** What the configuration adds to parsing: sender profiles (a broken file stops start-up) and references. */
export async function loadParsing(config: Config): Promise<ParseContext> {
  try {
    const senderProfiles = config.senderProfiles ? await loadSenderProfiles(config.senderProfiles) : [];
    return { senderProfiles, referenceDomains: config.referenceDomains };
  } catch (err) {
    if (err instanceof SenderProfileError) throw new UserError(err.message);
    throw err;
  }
}

/** The measure connectors; a broken file stops start-up with file, line and reason. */
export async function loadMeasureConnectors(config: Config): Promise<Connectors> {
  try {
    return await loadConnectors(config.connectors, (name) => secretFromEnvironment(name));
  } catch (err) {
    if (err instanceof ConnectorsFileError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * Parts a desk can be given instead of its defaults. `notifier`: how measures, orders and escalations
 * reach people (src/measures/notifier.ts); the default records on the case timeline and queues the message
 * in the outbox (src/messages).
 */
export interface DeskParts {
  notifier?: MeasureNotifier;
  /** Connectors read already (startDesk reads them before it touches the database, to fail fast). */
  connectors?: Connectors;
}

/**
 * Builds the services every role shares: database, queue, policies, and the event pipeline. The resolver
 * (and its index of the whole inventory) is made at first use, or by `warm()`: a process that only takes
 * mail by SMTP never resolves, so never builds it.
 */
export async function buildServices(
  config: Config,
  log: Logger,
  conn: Connection,
  jobs: Jobs,
  parts: DeskParts = {},
): Promise<{
  services: Services;
  resolver: () => Promise<Resolver>;
  close(): Promise<void>;
  warm(): Promise<void>;
}> {
  const policies = await loadPolicies(config);
  const parsing = await loadParsing(config);
  const messages = await buildMessageDeps(config, policies, log);
  const connectors = parts.connectors ?? (await loadMeasureConnectors(config));
  if (connectors.list.length === 0)
    log.info(
      "no measure connectors configured (ABUSEDESK_CONNECTORS): measures are done by hand and marked done",
    );
  let made: Promise<Resolver> | null = null;
  const resolver = () =>
    (made ??= createResolver(conn.db, log, { databaseUrl: conn.url, rdapUrl: config.rdapUrl ?? null }));
  const grouper = createCaseGrouper(conn.db, policies, log);
  const pipeline: Pipeline = {
    resolve: async (trx, events) => (await resolver()).resolve(trx, events),
    group: grouper.group,
  };
  const metrics = new client.Registry();
  client.collectDefaultMetrics({ register: metrics, prefix: "abusedesk_" });
  const services: Services = {
    db: conn.db,
    log,
    config,
    jobs,
    metrics,
    policies,
    pipeline,
    parsing,
    messages,
    connectors,
    notifier: parts.notifier ?? alongTimeline(createMessageNotifier(messages)),
  };
  return {
    services,
    resolver,
    close: async () => {
      if (made) await (await made).close();
    },
    warm: async () => (await resolver()).warm(),
  };
}

/** Runs `fn` with the services of a short-lived command (a queue client, policies, the pipeline). */
export async function withServices<T>(
  conn: Connection,
  config: Config,
  log: Logger,
  fn: (services: Services) => Promise<T>,
): Promise<T> {
  const jobs = await Jobs.start(conn.url, log, { supervise: false });
  try {
    const built = await buildServices(config, log, conn, jobs);
    try {
      return await fn(built.services);
    } finally {
      await built.close();
    }
  } finally {
    await jobs.stop();
  }
}

/** Registers what the worker role does. Every handler is idempotent: a job may run again after a crash. */
export async function registerWorkers(ctx: WorkerContext): Promise<(() => Promise<void>)[]> {
  const { jobs, conn, log } = ctx;
  // A worker's sign of life, used by `abusedesk jobs ping` and the queue test.
  await jobs.work<{ note?: string }>("ping", async (data, job) => {
    await conn.db.transaction().execute(async (trx) => {
      await appendAudit(trx, {
        actor: `worker:${process.pid}`,
        action: "job.ping",
        subjectType: "job",
        subjectId: job.id,
        details: { note: data.note ?? null },
      });
    });
    log.debug({ job: job.id }, "ping done");
  });
  const stops = [
    await startIntakeWorkers(ctx),
    await startCaseWorkers(ctx),
    await startMeasureWorkers(ctx),
    await startMessageWorkers(ctx),
    startRetentionWorker(ctx.conn.db, retentionOf(ctx.services.config.retention), ctx.log),
  ];
  if (ctx.resolver) stops.push(await startReresolveWorker(ctx, ctx.resolver));
  return stops;
}

function listenError(
  what: string,
  flag: string,
  host: string,
  port: number,
  err: NodeJS.ErrnoException,
): UserError {
  if (err.code === "EADDRINUSE") {
    return new UserError(
      `the ${what} address ${host}:${port} is already in use by another program; choose another with ${flag} HOST:PORT`,
    );
  }
  if (err.code === "EACCES") {
    return new UserError(
      `not allowed to listen on ${host}:${port} for ${what}; choose a port above 1023 with ${flag} HOST:PORT`,
    );
  }
  if (err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") {
    return new UserError(
      `${host} is not an address of this machine (${what}); use e.g. ${flag} 127.0.0.1:${port}`,
    );
  }
  return new UserError(`cannot listen on ${host}:${port} for ${what}: ${err.message}`);
}

export async function startDesk(config: Config, log: Logger, parts: DeskParts = {}): Promise<Desk> {
  // A broken connectors file stops start-up before anything else happens.
  const connectors = parts.connectors ?? (await loadMeasureConnectors(config));
  const conn = await connect({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    log,
    takeOwnership: true,
  });
  // Stopped in the reverse order: stop taking work (SMTP, HTTP, workers), finish it, close the queue,
  // then the pool, then the embedded database.
  const cleanup: { what: string; fn: () => Promise<void> }[] = [
    { what: "the database (and the embedded PostgreSQL)", fn: () => conn.close() },
  ];
  const stop = async () => {
    for (const { what, fn } of cleanup.reverse()) {
      log.debug(`stopping ${what}`);
      await fn().catch((err) => log.error({ err }, `stopping ${what} failed`));
    }
    cleanup.length = 0;
  };
  try {
    const applied = await migrate(conn.db);
    if (applied.length) log.info({ applied }, "database migrated");

    const roles = config.role === "all" ? ["web", "smtp", "worker"] : [config.role];
    const jobs = await Jobs.start(conn.url, log, { supervise: roles.includes("worker") });
    cleanup.push({ what: "the job queue", fn: () => jobs.stop() });
    const built = await buildServices(config, log, conn, jobs, { ...parts, connectors });
    cleanup.push({ what: "the resolver", fn: built.close });
    const { services } = built;
    if (config.demo) await loadDemoWithAdmin(services, log);
    // Web and worker processes resolve: build the index now (once the demo's inventory is in), not at the
    // first report. An SMTP process never needs it.
    if (roles.includes("web") || roles.includes("worker")) await built.warm();
    if (roles.includes("worker")) {
      const stops = await registerWorkers({ conn, jobs, log, services, resolver: built.resolver });
      cleanup.push(...stops.map((fn) => ({ what: "the workers", fn })));
    }

    let http: Desk["http"] = null;
    if (roles.includes("web")) {
      const app: App = await buildServer(services, ROUTES);
      try {
        await app.listen({ host: config.http.host, port: config.http.port });
      } catch (err) {
        throw listenError("HTTP", "--http", config.http.host, config.http.port, err as NodeJS.ErrnoException);
      }
      cleanup.push({ what: "the HTTP listener", fn: () => app.close() });
      const addr = app.server.address() as { address: string; port: number };
      http = { host: addr.address, port: addr.port };
      // Links in messages lead to this process unless ABUSEDESK_PUBLIC_URL says where people reach it.
      if (services.messages && !config.publicUrl)
        services.messages.publicUrl = defaultPublicUrl(config, http);
    }
    let smtp: Desk["smtp"] = null;
    if (roles.includes("smtp")) {
      let listener: SmtpListener;
      try {
        listener = await startSmtp(services);
      } catch (err) {
        throw listenError("SMTP", "--smtp", config.smtp.host, config.smtp.port, err as NodeJS.ErrnoException);
      }
      cleanup.push({ what: "the SMTP listener", fn: () => listener.close() });
      smtp = listener.address;
    }
    return { conn, jobs, services, http, smtp, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The demo data, into a desk that has no brands yet (a desk with brands is set up already, by the demo or by
 * its operator: the demo is not mixed into it at every start), and a first admin so that a newcomer can sign
 * in (its password is shown once). `abusedesk demo` loads the demo into any desk, on purpose.
 */
async function loadDemoWithAdmin(services: Services, log: Logger) {
  const { db } = services;
  const anyBrand = await db.selectFrom("brands").select("id").limit(1).executeTakeFirst();
  if (anyBrand) {
    log.info(
      "the desk has brands already: demo data not loaded again (`abusedesk demo` loads it on purpose)",
    );
  } else {
    const counts = await loadDemo(db, SYSTEM);
    const reports = await loadDemoReports(services);
    log.info({ ...counts, reports }, "demo data loaded");
  }
  const anyUser = await db.selectFrom("users").select("id").limit(1).executeTakeFirst();
  if (!anyUser) {
    const admin = await createUser(db, SYSTEM, {
      email: "admin@abusedesk.example",
      role: "admin",
      name: "Demo admin",
    });
    if (admin.ok) {
      process.stdout.write(
        `\nDemo admin: ${admin.value.email}  one-time password: ${admin.value.password}\n` +
          "(it works for one sign-in, which asks you to choose your own password; create more people with\n" +
          "`npx abusedesk user create --email E --role R`)\n\n",
      );
    }
  }
}
