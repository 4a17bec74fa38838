/**
 * Durable jobs, timers and the outbox on the same PostgreSQL (pg-boss). Any process may send; processes
 * with the worker role take jobs with SKIP LOCKED, so a job is done by one worker, and a job whose worker
 * died is retried. Handlers must therefore be idempotent.
 */
import PgBoss from "pg-boss";
import type { Logger } from "pino";

export type JobHandler<T> = (data: T, job: { id: string; name: string }) => Promise<void>;

export interface JobOptions {
  startAfter?: Date;
  singletonKey?: string;
  retryLimit?: number;
  priority?: number;
}

export class Jobs {
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
    boss.on("error", (err) => log.error({ err }, "job queue error"));
    await boss.start();
    return new Jobs(boss, log);
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
        for (const job of jobs) {
          await handler(job.data, { id: job.id, name: job.name });
        }
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

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 15_000 });
  }
}
