/**
 * Durable jobs, timers and the outbox on the same PostgreSQL (pg-boss). Any process may send; processes
 * with the worker role take jobs with SKIP LOCKED, so a job is done by one worker, and a job whose worker
 * died is retried. Handlers must therefore be idempotent.
 */
import PgBoss from "pg-boss";
import type { Logger } from "pino";

/** A job's handler; what it returns is kept as the job's result (see `get`). */
export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<unknown>;

/** A job as a person asking after it sees it. */
export interface JobStatus {
  id: string;
  queue: string;
  /** pg-boss's states: created, retry, active, completed, cancelled, failed. */
  state: string;
  result: unknown;
  created_at: Date | null;
  completed_at: Date | null;
}

export interface JobOptions {
  startAfter?: Date;
  singletonKey?: string;
  retryLimit?: number;
  priority?: number;
}

export class Jobs {
  private stopping = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly log: Logger,
    private readonly queues = new Map<string, Promise<void>>(),
  ) {}

  /** Connects to the queue schema (made or upgraded on first use). `supervise` runs maintenance and timers. */
  static async start(url: string, log: Logger, opts: { supervise: boolean }): Promise<Jobs> {
    const boss = new PgBoss({
      connectionString: url,
      schema: "pgboss",
      max: 4,
      supervise: opts.supervise,
      schedule: opts.supervise,
      migrate: true,
    });
    const jobs = new Jobs(boss, log);
    // The queue's own connection trouble: its message and code, never the client object it comes with.
    // While stopping, or when the server is going away (SQLSTATE 57P01..57P03), it is expected: debug.
    boss.on("error", (err: Error & { code?: string }) => {
      const expected = jobs.stopping || /^57P0[123]$/.test(String(err.code ?? ""));
      if (expected) log.debug({ err }, "job queue connection closed");
      else log.warn({ err }, "job queue error; pg-boss retries");
    });
    await boss.start();
    return jobs;
  }

  /**
   * Makes the queue once per process: concurrent first sends share one attempt (pg-boss's create_queue
   * run twice at once can deadlock, and the send would be lost), and a deadlock with another process is
   * tried again.
   */
  private queue(name: string): Promise<void> {
    let made = this.queues.get(name);
    if (!made) {
      made = (async () => {
        for (let attempt = 1; ; attempt++)
          try {
            await this.boss.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true });
            return;
          } catch (err) {
            if (attempt >= 3) throw err;
            await new Promise((r) => setTimeout(r, 100 * attempt));
          }
      })().catch((err) => {
        this.queues.delete(name);
        throw err;
      });
      this.queues.set(name, made);
    }
    return made;
  }

  async send<T extends object>(name: string, data: T, opts: JobOptions = {}): Promise<string | null> {
    await this.queue(name);
    return this.boss.send(name, data, opts);
  }

  /** Takes jobs of `name` in this process. */
  async work<T>(
    name: string,
    handler: JobHandler<T>,
    opts: { batchSize?: number; pollSeconds?: number } = {},
  ) {
    await this.queue(name);
    await this.boss.work<T>(
      name,
      { batchSize: opts.batchSize ?? 1, pollingIntervalSeconds: opts.pollSeconds ?? 0.5 },
      async (jobs) => {
        let result: unknown;
        for (const job of jobs) {
          result = await handler(job.data, { id: job.id, name: job.name });
        }
        // pg-boss keeps what a batch of one returns as the job's output.
        return jobs.length === 1 ? result : undefined;
      },
    );
    this.log.debug({ queue: name }, "working queue");
  }

  /**
   * Takes jobs of `name` in batches of up to `batchSize`, handed over together (one transaction can then
   * record a whole batch). A batch whose handler throws is retried as a whole.
   */
  async workBatch<T>(
    name: string,
    handler: (data: T[]) => Promise<void>,
    opts: { batchSize: number; pollSeconds?: number },
  ) {
    await this.queue(name);
    await this.boss.work<T>(
      name,
      { batchSize: opts.batchSize, pollingIntervalSeconds: opts.pollSeconds ?? 0.5 },
      async (jobs) => handler(jobs.map((job) => job.data)),
    );
    this.log.debug({ queue: name }, "working queue in batches");
  }

  /** A job of queue `name`, or undefined when there is none with that id. */
  async get(name: string, id: string): Promise<JobStatus | undefined> {
    await this.queue(name);
    const job = await this.boss.getJobById(name, id, { includeArchive: true });
    if (!job) return undefined;
    return {
      id: job.id,
      queue: job.name,
      state: job.state,
      result: job.output ?? null,
      created_at: job.createdOn ?? null,
      completed_at: job.completedOn ?? null,
    };
  }

  /** Stops taking jobs, lets the running ones finish (up to 15 s), then closes the queue's connections. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: 15_000 });
  }
}
