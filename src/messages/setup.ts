/**
 * Wiring of the conversation part, called from app.ts: the templates read and checked at start (a broken
 * one stops the desk), the relay from the config, and the worker role's senders.
 */
import type { Logger } from "pino";
import type { WorkerContext } from "../app.ts";
import type { Config } from "../config.ts";
import { UserError } from "../errors.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { startSenders } from "./delivery.ts";
import type { MessageDeps } from "./outbox.ts";
import { createRelay, parseRelayUrl, type Relay } from "./relay.ts";
import { loadTemplates, TemplatesBrokenError } from "./template-files.ts";

/** The address of the portal in links when ABUSEDESK_PUBLIC_URL is not set: this process's HTTP address. */
export function defaultPublicUrl(config: Pick<Config, "http">, listening?: { host: string; port: number }) {
  const at = listening ?? config.http;
  const host = at.host.includes(":") ? `[${at.host}]` : at.host;
  return `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${at.port}`;
}

export async function buildMessageDeps(
  config: Config,
  policies: ReadonlyMap<string, PolicyProfile>,
  log: Logger,
): Promise<MessageDeps> {
  if (config.relay) parseRelayUrl(config.relay);
  try {
    const templates = await loadTemplates({ operatorDir: config.templatesDir, policies });
    return {
      policies,
      templates,
      publicUrl: config.publicUrl ?? defaultPublicUrl(config),
      relayConfigured: Boolean(config.relay),
      portalLinkDays: config.portalLinkDays,
      log,
    };
  } catch (err) {
    if (err instanceof TemplatesBrokenError) throw new UserError(err.message);
    throw err;
  }
}

export function relayOf(config: Pick<Config, "relay" | "outboxConcurrency">): Relay | null {
  return config.relay
    ? createRelay(parseRelayUrl(config.relay), { connections: config.outboxConcurrency })
    : null;
}

/** The worker role's senders and acknowledgement sweep. */
export async function startMessageWorkers(ctx: WorkerContext): Promise<() => Promise<void>> {
  const deps = ctx.services.messages;
  if (!deps) return async () => {};
  const senders = startSenders({
    db: ctx.conn.db,
    deps,
    relay: relayOf(ctx.services.config),
    lanes: ctx.services.config.outboxConcurrency,
    log: ctx.log,
  });
  return () => senders.stop();
}
