/**
 * Re-resolution after an inventory import, as a job: the import answers as soon as the file is stored
 * (202, with the job), and a worker resolves the not-ours events the new resources may cover (up to
 * IMPORT_RERESOLVE_LIMIT) in batches of their own transactions. `GET /api/v1/inventory/jobs/:id` tells how
 * it went; the outcome is also in the audit log.
 */
import type { WorkerContext } from "../app.ts";
import { audit } from "../audit.ts";
import type { JobStatus, Jobs } from "../jobs.ts";
import type { ReresolveOutcome, Resolver } from "../resolution/resolver.ts";
import { IMPORT_RERESOLVE_LIMIT } from "./import.ts";

export const RERESOLVE_QUEUE = "inventory.reresolve";

interface ReresolveJob {
  resource_ids: number[];
  requested_by: string;
}

/** Queues the re-resolution of what these new resources may cover; answers the job's id. */
export async function queueReresolution(
  jobs: Jobs,
  resourceIds: readonly number[],
  requestedBy: string,
): Promise<string> {
  const id = await jobs.send<ReresolveJob>(RERESOLVE_QUEUE, {
    resource_ids: [...resourceIds],
    requested_by: requestedBy,
  });
  if (!id) throw new Error("the job queue did not take the re-resolution job");
  return id;
}

/** The job as the API shows it. */
export function presentJob(job: JobStatus) {
  return {
    id: job.id,
    queue: job.queue,
    state: job.state,
    result: (job.result ?? null) as ReresolveOutcome | null,
    created_at: job.created_at ? new Date(job.created_at).toISOString() : null,
    completed_at: job.completed_at ? new Date(job.completed_at).toISOString() : null,
  };
}

/** The worker's part: takes re-resolution jobs. Idempotent: resolving again writes only what now matches. */
export async function startReresolveWorker(
  ctx: WorkerContext,
  resolver: () => Promise<Resolver>,
): Promise<() => Promise<void>> {
  const { conn, jobs, log, services } = ctx;
  await jobs.work<ReresolveJob>(RERESOLVE_QUEUE, async (data, job) => {
    const outcome = await (await resolver()).reresolve(conn.db, {
      resourceIds: data.resource_ids,
      limit: IMPORT_RERESOLVE_LIMIT,
      group: services.pipeline.group,
    });
    await audit(conn.db, {
      actor: data.requested_by,
      action: "inventory.reresolve",
      subjectType: "job",
      subjectId: job.id,
      details: { resources: data.resource_ids.length, ...outcome },
    });
    log.info({ job: job.id, ...outcome }, "events re-resolved after an inventory import");
    return outcome;
  });
  return async () => {};
}
