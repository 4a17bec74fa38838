import type { WorkerContext } from "../app.ts";

/** Placeholder: deadline timers and escalation in the worker role (cases work, issue 5). */
export async function startCaseWorkers(_ctx: WorkerContext): Promise<() => Promise<void>> {
  return async () => {};
}
