/**
 * The connectors of this desk, by id and by brand and step: which one carries a step out, and the one
 * place that dispatches a call to the kind of connector it is. Undo goes to the connector that did the
 * step (the call names it), so a changed file never sends an undo somewhere else.
 */
import type { Step } from "../../policy/steps.ts";
import { runCommand } from "./command.ts";
import { type ConnectorConfig, type ConnectorsFile, type EnvLookup, readConnectorsFile } from "./config.ts";
import { callFileConnector } from "./files.ts";
import type { CallOutcome, CallRequest, ConnectorContext } from "./types.ts";
import { callWebhook } from "./webhook.ts";

export type { CallOutcome, CallRequest, ConnectorConfig, ConnectorContext };

/** How long a worker holds a call beyond the connector's own time limit before another may make it again. */
export const LEASE_MARGIN_SECONDS = 5;

export class Connectors {
  private readonly byId = new Map<string, ConnectorConfig>();

  constructor(readonly list: readonly ConnectorConfig[]) {
    for (const c of list) this.byId.set(c.id, c);
  }

  static none(): Connectors {
    return new Connectors([]);
  }

  static from(file: ConnectorsFile): Connectors {
    return new Connectors(file.connectors);
  }

  get(id: string): ConnectorConfig | undefined {
    return this.byId.get(id);
  }

  /** The connector that carries `step` out for `brand`: the brand's own, else one for every brand. */
  forStep(brand: string, step: Step): ConnectorConfig | undefined {
    const doing = this.list.filter((c) => (c.steps as readonly string[]).includes(step));
    return doing.find((c) => c.brands?.includes(brand)) ?? doing.find((c) => !c.brands);
  }

  /** Seconds a worker holds a call of this connector. */
  leaseSeconds(id: string | null): number {
    const c = id ? this.get(id) : undefined;
    return (c?.timeout_seconds ?? 60) + LEASE_MARGIN_SECONDS;
  }
}

/** Reads the connectors file, or answers none when no file is configured. */
export async function loadConnectors(file: string | undefined, env: EnvLookup): Promise<Connectors> {
  return file ? Connectors.from(await readConnectorsFile(file, env)) : Connectors.none();
}

/** Makes one attempt of a call through the connector it names. */
export function callConnector(
  config: ConnectorConfig,
  request: CallRequest,
  ctx: ConnectorContext,
): Promise<CallOutcome> {
  switch (config.type) {
    case "webhook":
      return callWebhook(config, request);
    case "command":
      return runCommand(config, request);
    case "rpz":
    case "nullroute":
      return callFileConnector(config, request, ctx);
  }
}
