/**
 * The actions and notifications API. Every route declares its ability (checked before validation),
 * validates, calls one use case and presents the result. Who may do what beyond the ability (four eyes,
 * the legal permission, who may cancel) is src/measures/policy.ts.
 */

import { z } from "zod";
import { actorOf, httpError } from "../auth/http.ts";
import type { BrandScope } from "../auth/scope.ts";
import type { Result } from "../errors.ts";
import type { RouteModule } from "../server.ts";
import {
  approveAction,
  cancelAction,
  customerComplied,
  markDone,
  measureDeps,
  refuseAction,
  retryAction,
  undoAction,
} from "./actions.ts";
import { acknowledgeNotification, readNotification } from "./notifications.ts";
import { actionDetail, actionList, notificationDetail, notificationList } from "./queries.ts";
import {
  AcknowledgeBody,
  ActionList,
  ActionListQuery,
  ActionView,
  ApproveBody,
  DoneBody,
  IdParams,
  NotificationList,
  NotificationListQuery,
  NotificationView,
  ReasonBody,
} from "./schemas.ts";

const tags = ["actions"];

export const measuresApi: RouteModule = (app, services) => {
  const deps = measureDeps(services);
  const { db } = services;
  /** Runs a command and answers the action as it is after it. */
  const thenShow = async (result: Result<unknown>, id: number) => {
    if (!result.ok) throw httpError(result.error);
    const shown = await actionDetail(db, id);
    if (!shown.ok) throw httpError(shown.error);
    return shown.value;
  };

  app.get(
    "/api/v1/actions",
    {
      config: { ability: "read" },
      schema: { tags, querystring: ActionListQuery, response: { 200: ActionList } },
    },
    async (req) => {
      const { state, brand, case_id, step, order_id, cursor, limit } = req.query;
      const result = await actionList(
        db,
        {
          scope: actorOf(req).brands,
          ...(state ? { states: state } : {}),
          ...(brand ? { brand } : {}),
          ...(case_id !== undefined ? { caseId: case_id } : {}),
          ...(step ? { step } : {}),
          ...(order_id !== undefined ? { orderId: order_id } : {}),
        },
        { limit, cursor },
      );
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.get(
    "/api/v1/actions/:id",
    { config: { ability: "read" }, schema: { tags, params: IdParams, response: { 200: ActionView } } },
    async (req) => {
      const result = await actionDetail(db, req.params.id, actorOf(req).brands);
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  app.post(
    "/api/v1/actions/:id/approve",
    {
      config: { ability: "approve" },
      schema: { tags, params: IdParams, body: ApproveBody, response: { 200: ActionView } },
    },
    async (req) =>
      thenShow(await approveAction(deps, actorOf(req), req.params.id, req.body ?? {}), req.params.id),
  );

  app.post(
    "/api/v1/actions/:id/refuse",
    {
      config: { ability: "approve" },
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: ActionView } },
    },
    async (req) =>
      thenShow(await refuseAction(deps, actorOf(req), req.params.id, req.body ?? {}), req.params.id),
  );

  app.post(
    "/api/v1/actions/:id/cancel",
    {
      config: { ability: "work" },
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: ActionView } },
    },
    async (req) =>
      thenShow(await cancelAction(deps, actorOf(req), req.params.id, req.body ?? {}), req.params.id),
  );

  app.post(
    "/api/v1/actions/:id/retry",
    {
      config: { ability: "work" },
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: ActionView } },
    },
    async (req) =>
      thenShow(await retryAction(deps, actorOf(req), req.params.id, req.body ?? {}), req.params.id),
  );

  app.post(
    "/api/v1/actions/:id/undo",
    {
      config: { ability: "work" },
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: ActionView } },
    },
    async (req) =>
      thenShow(await undoAction(deps, actorOf(req), req.params.id, req.body ?? {}), req.params.id),
  );

  app.post(
    "/api/v1/actions/:id/done",
    {
      config: { ability: "work" },
      schema: { tags, params: IdParams, body: DoneBody, response: { 200: ActionView } },
    },
    async (req) => thenShow(await markDone(deps, actorOf(req), req.params.id, req.body), req.params.id),
  );

  app.post(
    "/api/v1/cases/:id/complied",
    {
      config: { ability: "work" },
      schema: {
        tags: ["cases"],
        params: IdParams,
        body: ReasonBody,
        response: { 200: z.object({ id: z.number(), undoing: z.array(z.number()) }) },
      },
    },
    async (req) => {
      const result = await customerComplied(deps, actorOf(req), req.params.id, req.body ?? {});
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  const ntags = ["notifications"];
  app.get(
    "/api/v1/notifications",
    {
      config: { ability: "approve" },
      schema: { tags: ntags, querystring: NotificationListQuery, response: { 200: NotificationList } },
    },
    async (req) => {
      const { state, brand, case_id, cursor, limit } = req.query;
      const result = await notificationList(
        db,
        {
          scope: actorOf(req).brands,
          state,
          ...(brand ? { brand } : {}),
          ...(case_id !== undefined ? { caseId: case_id } : {}),
        },
        { limit, cursor },
      );
      if (!result.ok) throw httpError(result.error);
      return result.value;
    },
  );

  /** A notification about another brand's case is not found (src/auth/scope.ts). */
  const inScope = async (id: number, scope: BrandScope) => {
    const shown = await notificationDetail(db, id, scope);
    if (!shown.ok) throw httpError(shown.error);
  };
  const showNotification = async (result: Result<unknown>, id: number) => {
    if (!result.ok) throw httpError(result.error);
    const shown = await notificationDetail(db, id);
    if (!shown.ok) throw httpError(shown.error);
    return shown.value;
  };

  app.post(
    "/api/v1/notifications/:id/read",
    {
      config: { ability: "approve" },
      schema: { tags: ntags, params: IdParams, response: { 200: NotificationView } },
    },
    async (req) => {
      await inScope(req.params.id, actorOf(req).brands);
      return showNotification(await readNotification(deps, actorOf(req), req.params.id), req.params.id);
    },
  );

  app.post(
    "/api/v1/notifications/:id/acknowledge",
    {
      config: { ability: "approve" },
      schema: { tags: ntags, params: IdParams, body: AcknowledgeBody, response: { 200: NotificationView } },
    },
    async (req) => {
      await inScope(req.params.id, actorOf(req).brands);
      return showNotification(
        await acknowledgeNotification(deps, actorOf(req), req.params.id, req.body ?? {}),
        req.params.id,
      );
    },
  );
};
