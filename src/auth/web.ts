/**
 * The console's sign-in, its steps (a TOTP code, a password of one's own, enrolling an authenticator), the
 * account page and sign-out: server-rendered pages in NL and EN. Every form carries a CSRF token; sign-in
 * attempts are rate limited per client address and per account (429 with Retry-After, and a page that says
 * when to try again).
 */
import { readFileSync } from "node:fs";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { RateLimiter } from "../rate-limit.ts";
import type { RouteModule } from "../server.ts";
import { logout } from "./auth.store.ts";
import {
  CSRF_COOKIE,
  csrfTokenOf,
  FORM_FIELD,
  formToken,
  formTokenValid,
  rateLimit,
  SESSION_COOKIE,
  sessionActor,
} from "./http.ts";
import {
  alertBox,
  escapeHtml,
  field,
  hidden,
  LANGUAGE_COOKIE,
  type Language,
  languageOf,
  page,
  type Texts,
  textsOf,
} from "./pages.ts";
import {
  accountState,
  type ChallengeState,
  challengeState,
  changePassword,
  continueSignIn,
  enrolTotp,
  type SignInNext,
  type SignInProblem,
  signIn,
} from "./sign-in.ts";

/** The cookie that holds a half-done sign-in between its steps (HttpOnly, only sent to /login). */
export const CHALLENGE_COOKIE = "abusedesk_signin";

const CSS = readFileSync(new URL("./sign-in.css", import.meta.url), "utf8");

const SignInBody = z.object({
  email: z.string().max(320),
  password: z.string().max(1000),
  csrf: z.string().max(200).optional(),
});
const StepBody = z.object({
  code: z.string().max(20).optional(),
  password: z.string().max(1000).optional(),
  confirm: z.string().max(1000).optional(),
  csrf: z.string().max(200).optional(),
});
const PasswordBody = z.object({
  current: z.string().max(1000),
  password: z.string().max(1000),
  confirm: z.string().max(1000),
  csrf: z.string().max(200).optional(),
});
const CodeBody = z.object({ code: z.string().max(20), csrf: z.string().max(200).optional() });

function html(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);
}

export const signInWeb: RouteModule = (app, { db, config }) => {
  const perAddress = new RateLimiter(config.signInRateAddress);
  const perAccount = new RateLimiter(config.signInRateAccount);
  const secure = config.secureCookies;
  const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;

  /** The language of this request; a ?lang= choice is remembered for a year. */
  const language = (req: FastifyRequest, reply: FastifyReply): { lang: Language; t: Texts } => {
    const { lang, chosen } = languageOf(req);
    if (chosen)
      reply.setCookie(LANGUAGE_COOKIE, lang, {
        sameSite: "lax",
        secure,
        path: "/",
        maxAge: 365 * 24 * 3600,
      });
    return { lang, t: textsOf(lang) };
  };

  const signInPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    opts: { error?: string; notice?: string; email?: string } = {},
  ) => {
    const { lang, t } = language(req, reply);
    const token = formToken(req, reply, secure);
    const failed = opts.error !== undefined;
    return html(
      reply,
      status,
      page(
        t.signIn,
        `${alertBox(opts.error)}${alertBox(opts.notice, "notice")}
<form method="post" action="/login">${hidden(FORM_FIELD, token)}
${field("email", t.email, { type: "email", autocomplete: "username", value: opts.email ?? "" }, failed)}
${field("password", t.password, { type: "password", autocomplete: "current-password" }, failed)}
<button type="submit">${t.submitSignIn}</button></form>`,
        { lang, path: "/login" },
      ),
    );
  };

  const limited = (req: FastifyRequest, reply: FastifyReply, seconds: number) => {
    const { lang, t } = language(req, reply);
    const token = formToken(req, reply, secure);
    reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
    return page(
      t.signIn,
      `${alertBox(t.tooMany(t.wait(seconds)))}
<form method="post" action="/login">${hidden(FORM_FIELD, token)}
${field("email", t.email, { type: "email", autocomplete: "username" }, true)}
${field("password", t.password, { type: "password", autocomplete: "current-password" }, true)}
<button type="submit">${t.submitSignIn}</button></form>`,
      { lang, path: "/login" },
    );
  };

  const stepPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    state: ChallengeState,
    error?: string,
  ) => {
    const { lang, t } = language(req, reply);
    const token = formToken(req, reply, secure);
    const failed = error !== undefined;
    const form = (inner: string) =>
      `<form method="post" action="/login/step">${hidden(FORM_FIELD, token)}${inner}<button type="submit">${t.confirm}</button></form>`;
    const code = field(
      "code",
      t.code,
      {
        type: "text",
        autocomplete: "one-time-code",
        extra: 'inputmode="numeric" pattern="[0-9 ]*" maxlength="8"',
        hint: t.totpHelp,
      },
      failed,
    );
    let title: string;
    let body: string;
    if (state.step === "totp") {
      title = t.stepTotp;
      body = form(code);
    } else if (state.step === "new_password") {
      title = t.stepNewPassword;
      body = `<p>${escapeHtml(t.newPasswordIntro)}</p>${form(
        `${field("password", t.newPassword, { type: "password", autocomplete: "new-password", hint: t.passwordRule }, failed)}
${field("confirm", t.repeatPassword, { type: "password", autocomplete: "new-password" }, failed)}`,
      )}`;
    } else {
      title = t.stepEnrol;
      body = `<p>${escapeHtml(t.enrolIntro)}</p>${enrolBlock(t, state.secret ?? "", state.uri ?? "")}${form(code)}`;
    }
    return html(reply, status, page(title, `${alertBox(error)}${body}`, { lang, path: "/login/step" }));
  };

  /** Where a sign-in goes next: a session (cookies, then the console) or the page of its next step. */
  const proceed = (_req: FastifyRequest, reply: FastifyReply, next: SignInNext) => {
    if (next.kind === "session") {
      perAccount.reset(accountKey(next.actor.name));
      const cookie = { sameSite: "strict", secure, path: "/", expires: next.expiresAt } as const;
      reply.setCookie(SESSION_COOKIE, next.sessionToken, { ...cookie, httpOnly: true });
      // The console's script reads this one and sends it back in X-CSRF-Token with its API calls.
      reply.setCookie(CSRF_COOKIE, csrfTokenOf(next.sessionToken), { ...cookie, httpOnly: false });
      reply.clearCookie(CHALLENGE_COOKIE, { path: "/login" });
      return reply.redirect("/", 303);
    }
    if (next.challenge)
      reply.setCookie(CHALLENGE_COOKIE, next.challenge, {
        httpOnly: true,
        sameSite: "strict",
        secure,
        path: "/login",
        expires: next.expiresAt,
      });
    return reply.redirect("/login/step", 303);
  };

  const problemText = (t: Texts, problem: SignInProblem | "csrf") => t.problems[problem];

  app.get("/sign-in.css", { schema: { hide: true } }, async (_req, reply) => {
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600");
    return CSS;
  });

  app.get(
    "/login",
    { schema: { hide: true, querystring: z.object({ lang: z.string().max(10).optional() }).passthrough() } },
    async (req, reply) => {
      const signedOut = (req.query as Record<string, unknown>)["signed-out"] !== undefined;
      return signInPage(req, reply, 200, signedOut ? { notice: language(req, reply).t.signedOut } : {});
    },
  );

  app.post(
    "/login",
    {
      schema: { hide: true, body: SignInBody },
      preHandler: [
        rateLimit(perAddress, (req) => `address:${req.ip}`, limited),
        rateLimit(perAccount, (req) => accountKey((req.body as { email: string }).email), limited),
      ],
    },
    async (req, reply) => {
      const { t } = language(req, reply);
      if (!formTokenValid(req)) return signInPage(req, reply, 403, { error: problemText(t, "csrf") });
      const result = await signIn(db, req.body.email, req.body.password);
      if (!result.ok)
        return signInPage(req, reply, result.error.status, {
          error: problemText(t, result.error.problem),
          email: req.body.email,
        });
      return proceed(req, reply, result.value);
    },
  );

  app.get(
    "/login/step",
    { schema: { hide: true, querystring: z.object({ lang: z.string().max(10).optional() }).passthrough() } },
    async (req, reply) => {
      const challenge = req.cookies[CHALLENGE_COOKIE];
      if (!challenge) return reply.redirect("/login", 303);
      const state = await challengeState(db, challenge);
      if (!state.ok) {
        const { t } = language(req, reply);
        reply.clearCookie(CHALLENGE_COOKIE, { path: "/login" });
        return signInPage(req, reply, 401, { error: problemText(t, state.error.problem) });
      }
      return stepPage(req, reply, 200, state.value);
    },
  );

  app.post(
    "/login/step",
    {
      schema: { hide: true, body: StepBody },
      preHandler: rateLimit(perAddress, (req) => `address:${req.ip}`, limited),
    },
    async (req, reply) => {
      const { t } = language(req, reply);
      const challenge = req.cookies[CHALLENGE_COOKIE];
      if (!challenge) return reply.redirect("/login", 303);
      const state = await challengeState(db, challenge);
      if (!state.ok) {
        reply.clearCookie(CHALLENGE_COOKIE, { path: "/login" });
        return signInPage(req, reply, 401, { error: problemText(t, state.error.problem) });
      }
      if (!formTokenValid(req)) return stepPage(req, reply, 403, state.value, problemText(t, "csrf"));
      const result = await continueSignIn(db, challenge, req.body);
      if (result.ok) return proceed(req, reply, result.value);
      if (result.error.problem === "expired" || result.error.problem === "too_many_codes") {
        reply.clearCookie(CHALLENGE_COOKIE, { path: "/login" });
        return signInPage(req, reply, 401, { error: problemText(t, result.error.problem) });
      }
      return stepPage(req, reply, result.error.status, state.value, problemText(t, result.error.problem));
    },
  );

  const accountPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message?: { error?: string; notice?: string },
  ) => {
    const actor = await sessionActor(db, req);
    if (!actor || actor.userId === null) return reply.redirect("/login", 303);
    const { lang, t } = language(req, reply);
    const token = csrfTokenOf(req.cookies[SESSION_COOKIE]!);
    const state = await accountState(db, actor.userId);
    const failed = message?.error !== undefined;
    const totp = state.totp
      ? `<p>${escapeHtml(t.totpOn)}</p>`
      : `<p>${escapeHtml(state.totpRequired ? t.totpOffRequired : t.totpOffOptional)}</p>${enrolBlock(t, state.secret ?? "", state.uri ?? "")}
<form method="post" action="/account/totp">${hidden(FORM_FIELD, token)}
${field("code", t.code, { type: "text", autocomplete: "one-time-code", extra: 'inputmode="numeric" pattern="[0-9 ]*" maxlength="8"', hint: t.totpHelp }, failed)}
<button type="submit">${t.confirm}</button></form>`;
    return html(
      reply,
      status,
      page(
        t.account,
        `${alertBox(message?.error)}${alertBox(message?.notice, "notice")}<p>${escapeHtml(state.email)} (${escapeHtml(actor.role)})</p>
<h2>${t.accountPassword}</h2>
<form method="post" action="/account/password">${hidden(FORM_FIELD, token)}
${field("current", t.currentPassword, { type: "password", autocomplete: "current-password" }, failed)}
${field("password", t.newPassword, { type: "password", autocomplete: "new-password", hint: t.passwordRule }, failed)}
${field("confirm", t.repeatPassword, { type: "password", autocomplete: "new-password" }, failed)}
<button type="submit">${t.save}</button></form>
<h2>${t.accountTotp}</h2>${totp}
<p><a href="/">${t.back}</a></p>
<form method="post" action="/logout">${hidden(FORM_FIELD, token)}<button type="submit">${t.signOut}</button></form>`,
        { lang, path: "/account" },
      ),
    );
  };

  app.get(
    "/account",
    { schema: { hide: true, querystring: z.object({ lang: z.string().max(10).optional() }).passthrough() } },
    async (req, reply) => accountPage(req, reply, 200),
  );

  app.post(
    "/account/password",
    {
      schema: { hide: true, body: PasswordBody },
      preHandler: rateLimit(perAddress, (req) => `address:${req.ip}`),
    },
    async (req, reply) => {
      const actor = await sessionActor(db, req);
      if (!actor || actor.userId === null) return reply.redirect("/login", 303);
      const { t } = language(req, reply);
      if (!formTokenValid(req)) return accountPage(req, reply, 403, { error: problemText(t, "csrf") });
      const result = await changePassword(db, actor.userId, req.body);
      if (!result.ok)
        return accountPage(req, reply, result.error.status, { error: problemText(t, result.error.problem) });
      return accountPage(req, reply, 200, { notice: t.saved });
    },
  );

  app.post(
    "/account/totp",
    {
      schema: { hide: true, body: CodeBody },
      preHandler: rateLimit(perAddress, (req) => `address:${req.ip}`),
    },
    async (req, reply) => {
      const actor = await sessionActor(db, req);
      if (!actor || actor.userId === null) return reply.redirect("/login", 303);
      const { t } = language(req, reply);
      if (!formTokenValid(req)) return accountPage(req, reply, 403, { error: problemText(t, "csrf") });
      const result = await enrolTotp(db, actor.userId, req.body.code);
      if (!result.ok)
        return accountPage(req, reply, result.error.status, { error: problemText(t, result.error.problem) });
      return accountPage(req, reply, 200, { notice: t.saved });
    },
  );

  app.post("/logout", { schema: { hide: true } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      // Signing someone out is a change too: only a page of ours (which knows the CSRF token) may ask.
      if (!formTokenValid(req)) {
        const { lang, t } = language(req, reply);
        return html(
          reply,
          403,
          page(
            t.signOut,
            `${alertBox(t.problems.csrf)}<form method="post" action="/logout">${hidden(FORM_FIELD, csrfTokenOf(token))}<button type="submit">${t.signOut}</button></form>`,
            { lang },
          ),
        );
      }
      await logout(db, token);
    }
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    reply.clearCookie(CSRF_COOKIE, { path: "/" });
    return reply.redirect("/login?signed-out", 303);
  });
};

function enrolBlock(t: Texts, secret: string, uri: string): string {
  const grouped = secret.replace(/(.{4})/g, "$1 ").trim();
  return `<p>${escapeHtml(t.secret)}:</p><code class="secret" id="totp-secret">${escapeHtml(grouped)}</code>
<p>${escapeHtml(t.uri)}:</p><p class="uri"><a href="${escapeHtml(uri)}" id="totp-uri">${escapeHtml(uri)}</a></p>`;
}
