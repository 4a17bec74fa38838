/**
 * The messages API: send a message on a case, read the outbox and one message with its text, download
 * what a customer uploaded, send a failed message again, and see or revoke portal links. Every route
 * declares its ability, validates, calls one function and presents the result.
 */

import { z } from "zod";
import { actorOf, HttpError, httpError } from "../auth/http.ts";
import { listLinks, revokeLink } from "../portal/portal.ts";
import type { RouteModule } from "../server.ts";
import { getAttachment, getMessage, listMessages } from "./messages.store.ts";
import { retryMessage, sendCaseMessage } from "./outbox.ts";
import { presentMessage, presentMessageSummary } from "./present.ts";
import {
  AttachmentParams,
  CaseMessageBody,
  MessageDetail,
  MessageItems,
  MessageList,
  MessageListQuery,
  MessageParams,
  PortalLinkQuery,
  PortalLinkView,
} from "./schemas.ts";

const tags = ["messages"];

/** A file name that is safe in a Content-Disposition header, with the real name in filename*. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, "_").slice(0, 150) || "upload";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 200))}`;
}

export const messagesApi: RouteModule = (app, services) => {
  const { db } = services;
  const deps = () => {
    if (!services.messages) throw new HttpError(503, "messages are not set up in this process");
    return services.messages;
  };

  app.post(
    "/api/v1/cases/:id/messages",
    {
      config: { ability: "work" },
      schema: { tags, params: MessageParams, body: CaseMessageBody, response: { 201: MessageItems } },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const result = await sendCaseMessage(db, deps(), actor, req.params.id, req.body);
      if (!result.ok) throw httpError(result.error);
      const items = [];
      for (const id of result.value) {
        const m = await getMessage(db, id, actor.brands);
        if (m) items.push(presentMessage(m));
      }
      reply.code(201);
      return { items };
    },
  );

  app.get(
    "/api/v1/messages",
    {
      config: { ability: "read" },
      schema: { tags, querystring: MessageListQuery, response: { 200: MessageList } },
    },
    async (req) => {
      const q = req.query;
      const { rows, total } = await listMessages(db, {
        ...(q.state ? { state: q.state } : {}),
        ...(q.case_id !== undefined ? { caseId: q.case_id } : {}),
        ...(q.party ? { party: q.party } : {}),
        ...(q.brand ? { brand: q.brand } : {}),
        ...(q.cursor ? { before: Number(q.cursor) } : {}),
        limit: q.limit,
        scope: actorOf(req).brands,
      });
      const more = rows.length > q.limit;
      const items = more ? rows.slice(0, q.limit) : rows;
      return {
        items: items.map(presentMessageSummary),
        next_cursor: more ? String(items.at(-1)!.id) : null,
        total,
      };
    },
  );

  app.get(
    "/api/v1/messages/:id",
    {
      config: { ability: "read" },
      schema: { tags, params: MessageParams, response: { 200: MessageDetail } },
    },
    async (req) => {
      const m = await getMessage(db, req.params.id, actorOf(req).brands);
      if (!m) throw new HttpError(404, `there is no message ${req.params.id}`);
      return presentMessage(m);
    },
  );

  app.get(
    "/api/v1/messages/:id/attachments/:attachmentId",
    { config: { ability: "read" }, schema: { tags, params: AttachmentParams } },
    async (req, reply) => {
      const a = await getAttachment(db, req.params.id, req.params.attachmentId, actorOf(req).brands);
      if (!a)
        throw new HttpError(404, `message ${req.params.id} has no attachment ${req.params.attachmentId}`);
      // Stored, never opened: the bytes go back as a download, never as something a browser renders.
      reply
        .type("application/octet-stream")
        .header("content-disposition", attachmentDisposition(a.filename))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("x-sha256", a.sha256);
      return reply.send(Buffer.from(a.data));
    },
  );

  app.post(
    "/api/v1/messages/:id/retry",
    {
      config: { ability: "work" },
      schema: { tags, params: MessageParams, response: { 200: MessageDetail } },
    },
    async (req) => {
      const actor = actorOf(req);
      if (!(await getMessage(db, req.params.id, actor.brands)))
        throw new HttpError(404, `there is no message ${req.params.id}`);
      const result = await retryMessage(db, deps(), actor, req.params.id);
      if (!result.ok) throw httpError(result.error);
      const m = await getMessage(db, req.params.id, actor.brands);
      return presentMessage(m!);
    },
  );

  app.get(
    "/api/v1/portal/links",
    {
      config: { ability: "read" },
      schema: {
        tags,
        querystring: PortalLinkQuery,
        response: { 200: z.object({ items: z.array(PortalLinkView) }) },
      },
    },
    async (req) => ({ items: await listLinks(db, req.query, actorOf(req).brands) }),
  );

  app.delete(
    "/api/v1/portal/links/:id",
    {
      config: { ability: "work" },
      schema: { tags, params: MessageParams, response: { 200: PortalLinkView } },
    },
    async (req) => {
      const result = await revokeLink(db, actorOf(req), req.params.id);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );
};
