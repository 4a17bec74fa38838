/**
 * The portal under /portal/ (SPEC C8): a customer's or reporter's link opens a session (an HttpOnly cookie
 * holding the link's token), its pages are plain HTML forms with a CSRF token, every request is rate
 * limited per address, uploads are bounded and stored, never opened, and served back only as downloads.
 */
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import fastifyMultipart from "@fastify/multipart";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { measureDeps } from "../measures/actions.ts";
import { attachmentDisposition } from "../messages/routes.ts";
import type { NtdDeps } from "../ntd/notices.ts";
import {
  customerComplaint,
  customerDecisions,
  customerDecisionsSection,
  notifierInput,
  notifierSection,
  notifierView,
} from "../ntd/portal.ts";
import { MAX_EXPLANATION_CHARS, MAX_SHORT_FIELD_CHARS, MAX_STATEMENT_CHARS } from "../ntd/procedure.ts";
import { RateLimiter } from "../rate-limit.ts";
import type { App, RouteModule } from "../server.ts";
import { TOKEN_SHAPE } from "./links.ts";
import { customerPage, notice, type PortalLanguage, portalLanguage, reporterPage } from "./pages.ts";
import { customerAttachment } from "./portal.store.ts";
import {
  customerView,
  MAX_ANSWER_CHARS,
  MAX_UPLOAD_BYTES,
  openSession,
  type PortalInput,
  type PortalSession,
  portalCsrf,
  recordCustomerInput,
  reporterView,
} from "./portal.ts";

export const PORTAL_COOKIE = "abusedesk_portal";

/** Requests per client address per minute: pages, forms (answers, uploads), and links opened. */
export const PORTAL_LIMITS = {
  pages: { limit: 120, windowMs: 60_000 },
  forms: { limit: 20, windowMs: 60_000 },
  links: { limit: 20, windowMs: 60_000 },
} as const;

const STYLE = readFileSync(new URL("./style.css", import.meta.url), "utf8");

const CaseParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const NoticeFormBody = z.object({
  _csrf: z.string().max(200),
  lang: z.string().max(5).optional(),
  case: z.string().max(20).optional(),
  text: z
    .string()
    .max(MAX_STATEMENT_CHARS * 2)
    .optional(),
  explanation: z
    .string()
    .max(MAX_EXPLANATION_CHARS * 2)
    .optional(),
  name: z
    .string()
    .max(MAX_SHORT_FIELD_CHARS * 2)
    .optional(),
  legal_ground: z
    .string()
    .max(MAX_SHORT_FIELD_CHARS * 2)
    .optional(),
  interest: z
    .string()
    .max(MAX_SHORT_FIELD_CHARS * 2)
    .optional(),
  good_faith: z.string().max(10).optional(),
});
const FormBody = z.object({
  _csrf: z.string().max(200),
  lang: z.string().max(5).optional(),
  text: z
    .string()
    .max(MAX_ANSWER_CHARS * 2)
    .optional(),
});

function langOf(req: FastifyRequest, fallback: string | null | undefined): PortalLanguage {
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  const b = (req.body as { lang?: unknown } | undefined)?.lang;
  return portalLanguage(typeof q === "string" ? q : typeof b === "string" ? b : fallback);
}

function html(reply: FastifyReply, status: number, page: string) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .send(page);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const portalWeb: RouteModule = (app, services) => {
  const { db, config, policies } = services;
  const limiters = {
    pages: new RateLimiter(PORTAL_LIMITS.pages),
    forms: new RateLimiter(PORTAL_LIMITS.forms),
    links: new RateLimiter(PORTAL_LIMITS.links),
  };
  const limited =
    (which: keyof typeof limiters) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const verdict = limiters[which].take(req.ip);
      if (verdict.allowed) return;
      const lang = langOf(req, null);
      reply.header("retry-after", String(verdict.retryAfterSeconds));
      await html(
        reply,
        429,
        notice(
          lang,
          lang === "nl" ? "Even geduld" : "Please wait",
          lang === "nl"
            ? `U hebt te veel verzoeken gedaan. Probeer het over ${verdict.retryAfterSeconds} seconden opnieuw.`
            : `Too many requests from your address. Try again in ${verdict.retryAfterSeconds} seconds.`,
        ),
      );
    };

  /** The session of the portal cookie, or a page that says how to get one. */
  const session = async (req: FastifyRequest, reply: FastifyReply): Promise<PortalSession | undefined> => {
    const token = req.cookies[PORTAL_COOKIE];
    const s = await openSession(db, token);
    if (s.ok) return s.value;
    const lang = langOf(req, null);
    reply.clearCookie(PORTAL_COOKIE, { path: "/portal" });
    await html(
      reply,
      401,
      notice(
        lang,
        lang === "nl" ? "Open de link uit onze e-mail" : "Open the link from our e-mail",
        lang === "nl"
          ? "Deze pagina opent u met de persoonlijke link in ons e-mailbericht. Werkt die link niet meer, antwoord dan op het bericht; u krijgt een nieuwe."
          : `This page opens with the personal link in our e-mail (${s.error.message}). If that link no longer works, reply to the message and we will send you a new one.`,
      ),
    );
    return undefined;
  };

  const checkCsrf = (req: FastifyRequest, given: string | undefined): boolean => {
    const token = req.cookies[PORTAL_COOKIE];
    return Boolean(token && given && sameSecret(given, portalCsrf(token)));
  };

  const deps = { policies };
  const ntdDeps: NtdDeps = {
    ...measureDeps(services),
    pipeline: services.pipeline,
    messages: services.messages,
  };

  app.get(
    "/portal/style.css",
    { schema: { hide: true }, preHandler: limited("pages") },
    async (_req, reply) =>
      reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLE),
  );

  app.get("/portal", { schema: { hide: true } }, async (_req, reply) => reply.redirect("/portal/", 301));

  app.get<{ Params: { token: string } }>(
    "/portal/t/:token",
    { schema: { hide: true }, preHandler: limited("links") },
    async (req, reply) => {
      const token = req.params.token;
      const s = TOKEN_SHAPE.test(token) ? await openSession(db, token) : undefined;
      const lang = langOf(req, s?.ok ? s.value.language : null);
      if (!s?.ok)
        return html(
          reply,
          404,
          notice(
            lang,
            lang === "nl" ? "Deze link werkt niet (meer)" : "This link does not work (any more)",
            lang === "nl"
              ? "De link is verlopen, ingetrokken of onvolledig. Antwoord op ons e-mailbericht, dan sturen wij u een nieuwe."
              : "The link has expired, was revoked, or is incomplete. Reply to our e-mail and we will send you a new one.",
          ),
        );
      reply.setCookie(PORTAL_COOKIE, token, {
        path: "/portal",
        httpOnly: true,
        // Lax: the cookie goes along when the person follows links in the portal after arriving from a mail.
        sameSite: "lax",
        secure: config.secureCookies,
        expires: s.value.expiresAt,
      });
      // The token leaves the address bar (and the history) at once.
      return reply.redirect(`/portal/?lang=${lang}`, 303);
    },
  );

  app.get("/portal/", { schema: { hide: true }, preHandler: limited("pages") }, async (req, reply) => {
    const s = await session(req, reply);
    if (!s) return reply;
    const lang = langOf(req, s.language);
    const q = req.query as { done?: unknown };
    if (s.kind === "reporter") return reporterAnswer(req, reply, s, lang, 200, { done: q.done === "notice" });
    const done =
      q.done === "answer" || q.done === "upload" || q.done === "solved" || q.done === "complaint"
        ? q.done
        : undefined;
    const view = await customerView(db, deps, s, lang);
    return html(
      reply,
      200,
      customerPage(view, {
        lang,
        csrf: portalCsrf(req.cookies[PORTAL_COOKIE]!),
        extra: await decisionsOf(req, s, lang, view.brand.timeZone),
        ...(done ? { done } : {}),
      }),
    );
  });

  /** The reporter's page, with the notice it follows (src/ntd/portal.ts). */
  const reporterAnswer = async (
    req: FastifyRequest,
    reply: FastifyReply,
    s: PortalSession,
    lang: PortalLanguage,
    status: number,
    flash: { done?: boolean; error?: string },
  ) => {
    const view = await reporterView(db, deps, s);
    const notice = s.reportId ? await notifierView(db, deps, s.reportId) : undefined;
    const extra = notice
      ? notifierSection(notice, lang, portalCsrf(req.cookies[PORTAL_COOKIE]!), view.brand.timeZone)
      : "";
    return html(reply, status, reporterPage(view, { lang, extra, ...flash }));
  };

  const decisionsOf = async (
    req: FastifyRequest,
    s: PortalSession,
    lang: PortalLanguage,
    timeZone: string,
  ) =>
    s.customerId
      ? customerDecisionsSection(
          await customerDecisions(db, deps, s.brandId, s.customerId),
          lang,
          portalCsrf(req.cookies[PORTAL_COOKIE]!),
          timeZone,
        )
      : "";

  /** After a form: back to the page (PRG), or the page again with what went wrong. */
  const afterForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    s: PortalSession,
    lang: PortalLanguage,
    caseId: number,
    kind: PortalInput["kind"],
    result: Awaited<ReturnType<typeof recordCustomerInput>>,
  ) => {
    if (result.ok) return reply.redirect(`/portal/?lang=${lang}&done=${kind}#case-${caseId}`, 303);
    const view = await customerView(db, deps, s, lang);
    return html(
      reply,
      result.error.status,
      customerPage(view, {
        lang,
        csrf: portalCsrf(req.cookies[PORTAL_COOKIE]!),
        error: result.error.message,
        extra: await decisionsOf(req, s, lang, view.brand.timeZone),
      }),
    );
  };

  const forbidden = (reply: FastifyReply, lang: PortalLanguage) =>
    html(
      reply,
      403,
      notice(
        lang,
        lang === "nl" ? "Formulier verlopen" : "Form expired",
        lang === "nl"
          ? "Het formulier hoorde niet bij deze sessie. Open de pagina opnieuw en probeer het nog eens."
          : "The form did not belong to this session. Open the page again and try once more.",
      ),
    );

  for (const kind of ["answer", "solved"] as const) {
    app.post(
      `/portal/cases/:id/${kind}`,
      { schema: { hide: true }, preHandler: limited("forms") },
      async (req, reply) => {
        const s = await session(req, reply);
        if (!s) return reply;
        const params = CaseParams.safeParse(req.params);
        const body = FormBody.safeParse(req.body ?? {});
        const lang = langOf(req, s.language);
        if (!body.success || !checkCsrf(req, body.data._csrf)) return forbidden(reply, lang);
        if (!params.success)
          return html(reply, 404, notice(lang, lang === "nl" ? "Niet gevonden" : "Not found", "—"));
        const result = await recordCustomerInput(db, s, params.data.id, { kind, text: body.data.text ?? "" });
        return afterForm(req, reply, s, lang, params.data.id, kind, result);
      },
    );
  }

  // Notices (src/ntd/portal.ts): the notifier completes, rebuts, complains; the customer complains.
  for (const kind of ["complete", "rebuttal", "complaint"] as const) {
    app.post(
      `/portal/notice/${kind}`,
      { schema: { hide: true }, preHandler: limited("forms") },
      async (req, reply) => {
        const s = await session(req, reply);
        if (!s) return reply;
        const body = NoticeFormBody.safeParse(req.body ?? {});
        const lang = langOf(req, s.language);
        if (!body.success || !checkCsrf(req, body.data._csrf)) return forbidden(reply, lang);
        const fields = new Map(
          Object.entries(body.data).filter((x): x is [string, string] => typeof x[1] === "string"),
        );
        const result = await notifierInput(ntdDeps, s, kind, fields);
        if (result.ok) return reply.redirect(`/portal/?lang=${lang}&done=notice`, 303);
        return reporterAnswer(req, reply, s, lang, result.error.status, { error: result.error.message });
      },
    );
  }
  app.post(
    "/portal/cases/:id/complaint",
    { schema: { hide: true }, preHandler: limited("forms") },
    async (req, reply) => {
      const s = await session(req, reply);
      if (!s) return reply;
      const params = CaseParams.safeParse(req.params);
      const body = FormBody.safeParse(req.body ?? {});
      const lang = langOf(req, s.language);
      if (!body.success || !checkCsrf(req, body.data._csrf)) return forbidden(reply, lang);
      if (!params.success)
        return html(reply, 404, notice(lang, lang === "nl" ? "Niet gevonden" : "Not found", "—"));
      const result = await customerComplaint(ntdDeps, s, params.data.id, body.data.text ?? "");
      if (result.ok)
        return reply.redirect(`/portal/?lang=${lang}&done=complaint#notice-case-${params.data.id}`, 303);
      const view = await customerView(db, deps, s, lang);
      return html(
        reply,
        result.error.status,
        customerPage(view, {
          lang,
          csrf: portalCsrf(req.cookies[PORTAL_COOKIE]!),
          error: result.error.message,
          extra: await decisionsOf(req, s, lang, view.brand.timeZone),
        }),
      );
    },
  );

  // Uploads: multipart only here, with its limits.
  app.register(async (scope: App) => {
    await scope.register(fastifyMultipart, {
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 4, fieldSize: MAX_ANSWER_CHARS * 4, parts: 6 },
    });
    scope.post(
      "/portal/cases/:id/upload",
      { schema: { hide: true }, preHandler: limited("forms") },
      async (req, reply) => {
        const s = await session(req, reply);
        if (!s) return reply;
        const params = CaseParams.safeParse(req.params);
        let lang = langOf(req, s.language);
        if (!req.isMultipart()) return forbidden(reply, lang);
        const fields = new Map<string, string>();
        let file: { filename: string; declaredType: string | null; data: Buffer } | undefined;
        try {
          for await (const part of req.parts()) {
            if (part.type === "file") {
              // Read as bytes and nothing else: never parsed, never looked into.
              const data = await part.toBuffer();
              file = { filename: part.filename || "upload", declaredType: part.mimetype || null, data };
            } else if (typeof part.value === "string") fields.set(part.fieldname, part.value);
          }
        } catch (err) {
          const code = (err as { code?: string }).code;
          const tooLarge = code === "FST_REQ_FILE_TOO_LARGE";
          return html(
            reply,
            tooLarge ? 413 : 400,
            notice(
              lang,
              lang === "nl" ? "Upload mislukt" : "Upload failed",
              tooLarge
                ? lang === "nl"
                  ? `Het bestand is groter dan ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Stuur een kleiner bestand.`
                  : `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Send a smaller one.`
                : lang === "nl"
                  ? "Het formulier kon niet worden gelezen. Probeer het opnieuw."
                  : "The form could not be read. Please try again.",
            ),
          );
        }
        lang = portalLanguage(fields.get("lang") ?? lang);
        if (!checkCsrf(req, fields.get("_csrf"))) return forbidden(reply, lang);
        if (!params.success)
          return html(reply, 404, notice(lang, lang === "nl" ? "Niet gevonden" : "Not found", "—"));
        if (!file)
          return html(
            reply,
            422,
            notice(
              lang,
              lang === "nl" ? "Geen bestand" : "No file",
              lang === "nl" ? "Kies een bestand om te uploaden." : "Choose a file to upload.",
            ),
          );
        const result = await recordCustomerInput(db, s, params.data.id, {
          kind: "upload",
          text: fields.get("text") ?? "",
          file,
        });
        return afterForm(req, reply, s, lang, params.data.id, "upload", result);
      },
    );
  });

  app.get<{ Params: { id: string } }>(
    "/portal/files/:id",
    { schema: { hide: true }, preHandler: limited("pages") },
    async (req, reply) => {
      const s = await session(req, reply);
      if (!s) return reply;
      const lang = langOf(req, s.language);
      const id = Number(req.params.id);
      const file =
        s.kind === "customer" && Number.isSafeInteger(id) && id > 0
          ? await customerAttachment(db, s.brandId, s.customerId!, id)
          : undefined;
      if (!file) return html(reply, 404, notice(lang, lang === "nl" ? "Niet gevonden" : "Not found", "—"));
      return reply
        .type("application/octet-stream")
        .header("content-disposition", attachmentDisposition(file.filename))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "no-store")
        .send(Buffer.from(file.data));
    },
  );

  app.post("/portal/logout", { schema: { hide: true }, preHandler: limited("forms") }, async (req, reply) => {
    reply.clearCookie(PORTAL_COOKIE, { path: "/portal" });
    const lang = langOf(req, null);
    return html(
      reply,
      200,
      notice(
        lang,
        lang === "nl" ? "Afgemeld" : "Signed out",
        lang === "nl"
          ? "U bent afgemeld. Open de link uit onze e-mail om terug te keren."
          : "You are signed out. Open the link from our e-mail to return.",
      ),
    );
  });
};
