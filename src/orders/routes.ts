/**
 * The orders API: record an order (or recognise a stored mail as one), list and read orders with their
 * deadline met or missed, release a preservation hold. Recording needs the legal permission.
 */

import { z } from "zod";
import { actorOf, httpError } from "../auth/http.ts";
import { type BrandScope, EVERY_BRAND } from "../auth/scope.ts";
import { decodeCursor, encodeCursor } from "../events/cursor.ts";
import { measureDeps } from "../measures/actions.ts";
import type { RouteModule } from "../server.ts";
import { listOrders, loadOrder } from "./orders.store.ts";
import { createOrder, type OrderInput, releaseHold } from "./orders.ts";
import { presentOrder, presentOrderBundle } from "./present.ts";
import {
  IdParams,
  OrderBody,
  OrderList,
  OrderListQuery,
  OrderView,
  ReleaseBody,
  ReportOrderBody,
} from "./schemas.ts";

const tags = ["orders"];

function toInput(body: z.output<typeof ReportOrderBody>): OrderInput {
  return {
    authority: body.authority,
    reference: body.reference,
    received_at: body.received_at ? new Date(body.received_at) : undefined,
    legal_basis: body.legal_basis,
    subjects: body.subjects,
    requested: body.requested,
    deadline_at: body.deadline_at ? new Date(body.deadline_at) : undefined,
    gag: body.gag,
    contact: body.contact,
    category: body.category,
    brand: body.brand,
    preserve_until: body.preserve_until ? new Date(body.preserve_until) : undefined,
  };
}

export const ordersApi: RouteModule = (app, services) => {
  const deps = { ...measureDeps(services), pipeline: services.pipeline };
  const { db } = services;
  const show = async (id: number, scope: BrandScope = EVERY_BRAND) => {
    const bundle = await loadOrder(db, id, scope);
    if (!bundle) throw httpError({ status: 404, message: `there is no order ${id}` });
    return presentOrderBundle(bundle);
  };

  app.post(
    "/api/v1/orders",
    { config: { ability: "legal" }, schema: { tags, body: OrderBody, response: { 201: OrderView } } },
    async (req, reply) => {
      const result = await createOrder(deps, actorOf(req), toInput(req.body));
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return show(result.value.id);
    },
  );

  app.post(
    "/api/v1/reports/:id/order",
    {
      config: { ability: "legal" },
      schema: { tags, params: IdParams, body: ReportOrderBody, response: { 201: OrderView } },
    },
    async (req, reply) => {
      const result = await createOrder(deps, actorOf(req), toInput(req.body), req.params.id);
      if (!result.ok) throw httpError(result.error);
      reply.code(201);
      return show(result.value.id);
    },
  );

  app.get(
    "/api/v1/orders",
    {
      config: { ability: "read" },
      schema: { tags, querystring: OrderListQuery, response: { 200: OrderList } },
    },
    async (req) => {
      const { authority, state, cursor, limit } = req.query;
      const before = decodeCursor(cursor);
      if (before === "invalid")
        throw httpError({
          status: 400,
          message: "the cursor is not valid; use the next_cursor of the previous page as it is",
        });
      const page = await listOrders(
        db,
        { scope: actorOf(req).brands, ...(authority ? { authority } : {}), ...(state ? { state } : {}) },
        { limit, ...(before !== undefined ? { before } : {}) },
      );
      const items = page.rows.slice(0, limit);
      return {
        items: items.map((o) => presentOrder(o)),
        next_cursor: page.rows.length > limit ? encodeCursor(items.at(-1)?.id) : null,
        total: page.total,
      };
    },
  );

  app.get(
    "/api/v1/orders/:id",
    { config: { ability: "read" }, schema: { tags, params: IdParams, response: { 200: OrderView } } },
    async (req) => show(req.params.id, actorOf(req).brands),
  );

  app.post(
    "/api/v1/holds/:id/release",
    {
      config: { ability: "legal" },
      schema: {
        tags,
        params: IdParams,
        body: ReleaseBody,
        response: { 200: z.object({ id: z.number(), released_at: z.string() }) },
      },
    },
    async (req) => {
      const result = await releaseHold(deps, actorOf(req), req.params.id, req.body ?? {});
      if (!result.ok) throw httpError(result.error);
      return { id: result.value.id, released_at: result.value.released_at.toISOString() };
    },
  );
};
