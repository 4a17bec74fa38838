import type { WorkerContext } from "../app.ts";

/** Placeholder: report processing in the worker role (intake work, issue 3). */
export async function startIntakeWorkers(_ctx: WorkerContext): Promise<() => Promise<void>> {
  return async () => {};
}
