/**
 * The sign-in pages in Dutch and English (issue 15): plain server-rendered HTML that works under the strict
 * Content-Security-Policy (no inline script or style: the CSS is /sign-in.css), with labels for every
 * field, errors announced to screen readers (role="alert", tied to the fields by aria-describedby), and a
 * language switch (?lang=nl|en, remembered in a cookie; the first time from Accept-Language).
 */
import type { FastifyRequest } from "fastify";
import { MIN_PASSWORD_LENGTH } from "./passwords.ts";
import type { SignInProblem } from "./sign-in.ts";

export const LANGUAGES = ["en", "nl"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_COOKIE = "abusedesk_lang";

/** The reader's language: ?lang=, then the cookie, then the browser's Accept-Language; English otherwise. */
export function languageOf(req: FastifyRequest): { lang: Language; chosen: boolean } {
  const asked = (req.query as Record<string, unknown> | undefined)?.lang;
  if (asked === "nl" || asked === "en") return { lang: asked, chosen: true };
  const cookie = req.cookies[LANGUAGE_COOKIE];
  if (cookie === "nl" || cookie === "en") return { lang: cookie, chosen: false };
  return { lang: fromAcceptLanguage(req.headers["accept-language"]), chosen: false };
}

/** The first of our languages in an Accept-Language header, by weight (at most 20 entries are read). */
export function fromAcceptLanguage(header: string | undefined): Language {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .slice(0, 20)
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: tag.trim().toLowerCase().split("-")[0] ?? "", q: q ? Number(q) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) if (r.base === "nl" || r.base === "en") return r.base;
  return "en";
}

const TEXT = {
  en: {
    signIn: "Sign in",
    email: "E-mail address",
    password: "Password",
    submitSignIn: "Sign in",
    language: "Language",
    signedOut: "You are signed out.",
    stepTotp: "Code from your authenticator app",
    totpHelp: "Open the authenticator app on your phone and type the 6-digit code it shows for abusedesk.",
    code: "Code",
    confirm: "Confirm",
    stepNewPassword: "Choose your own password",
    newPasswordIntro:
      "You signed in with a one-time password. It works only once: choose a password of your own now.",
    passwordRule: `At least ${MIN_PASSWORD_LENGTH} characters. A passphrase of a few unrelated words is easiest to remember. Not your e-mail address, and not a well-known password such as "Password2026!".`,
    newPassword: "New password",
    repeatPassword: "New password again",
    currentPassword: "Current password",
    save: "Save",
    stepEnrol: "Set up two-step sign-in",
    enrolIntro:
      "Your role signs in with a code from an authenticator app. Add this account to the app (FreeOTP, Aegis, Google Authenticator, …) with the secret below, then type the code it shows.",
    secret: "Secret",
    uri: "Or paste this link into the app",
    account: "Your account",
    accountPassword: "Change your password",
    accountTotp: "Two-step sign-in",
    totpOn: "Two-step sign-in is on for your account.",
    totpOffOptional: "Two-step sign-in is off. Turn it on with an authenticator app:",
    totpOffRequired: "Your role requires two-step sign-in. Turn it on with an authenticator app:",
    saved: "Saved.",
    signOut: "Sign out",
    back: "Back to the console",
    tooMany: (wait: string) => `Too many sign-in attempts. Try again in ${wait}.`,
    problems: {
      wrong_password: "Wrong e-mail address or password.",
      expired: "This sign-in has expired or was already used. Sign in again.",
      wrong_code:
        "That code is not right. Check that the time on your phone is correct and type the code it shows now.",
      too_many_codes: "Too many wrong codes. Sign in again from the start.",
      passwords_differ: "The two passwords differ. Type the same new password twice.",
      one_time_password: "That is the one-time password. Choose a password of your own.",
      same_password: "The new password is your current one. Choose another.",
      wrong_current_password: "The current password is not right.",
      totp_on: "Two-step sign-in is on already.",
      short: `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters, for example a few words in a row.`,
      long: "The password is too long.",
      variety: "The password repeats too few characters. Use more variety, for example a few words.",
      email: "The password contains your e-mail address. Choose one that does not.",
      common: "That is a well-known password. Choose another, for example a few unrelated words.",
      csrf: "The form had expired. Please try again.",
    } satisfies Record<SignInProblem | "csrf", string>,
    wait: (seconds: number) => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`),
  },
  nl: {
    signIn: "Inloggen",
    email: "E-mailadres",
    password: "Wachtwoord",
    submitSignIn: "Inloggen",
    language: "Taal",
    signedOut: "U bent uitgelogd.",
    stepTotp: "Code uit uw authenticator-app",
    totpHelp:
      "Open de authenticator-app op uw telefoon en typ de code van 6 cijfers die hij voor abusedesk toont.",
    code: "Code",
    confirm: "Bevestigen",
    stepNewPassword: "Kies uw eigen wachtwoord",
    newPasswordIntro:
      "U bent ingelogd met een eenmalig wachtwoord. Dat werkt maar één keer: kies nu een eigen wachtwoord.",
    passwordRule: `Minstens ${MIN_PASSWORD_LENGTH} tekens. Een wachtzin van een paar losse woorden onthoudt u het makkelijkst. Niet uw e-mailadres, en geen bekend wachtwoord zoals "Welkom2026!".`,
    newPassword: "Nieuw wachtwoord",
    repeatPassword: "Nieuw wachtwoord nogmaals",
    currentPassword: "Huidig wachtwoord",
    save: "Opslaan",
    stepEnrol: "Inloggen in twee stappen instellen",
    enrolIntro:
      "Uw rol logt in met een code uit een authenticator-app. Voeg dit account toe aan de app (FreeOTP, Aegis, Google Authenticator, …) met de geheime sleutel hieronder, en typ daarna de code die de app toont.",
    secret: "Geheime sleutel",
    uri: "Of plak deze link in de app",
    account: "Uw account",
    accountPassword: "Wachtwoord wijzigen",
    accountTotp: "Inloggen in twee stappen",
    totpOn: "Inloggen in twee stappen staat aan voor uw account.",
    totpOffOptional: "Inloggen in twee stappen staat uit. Zet het aan met een authenticator-app:",
    totpOffRequired: "Uw rol vereist inloggen in twee stappen. Zet het aan met een authenticator-app:",
    saved: "Opgeslagen.",
    signOut: "Uitloggen",
    back: "Terug naar de console",
    tooMany: (wait: string) => `Te veel inlogpogingen. Probeer het over ${wait} opnieuw.`,
    problems: {
      wrong_password: "Onjuist e-mailadres of wachtwoord.",
      expired: "Deze inlogpoging is verlopen of al gebruikt. Log opnieuw in.",
      wrong_code:
        "Die code klopt niet. Controleer of de tijd op uw telefoon goed staat en typ de code die hij nu toont.",
      too_many_codes: "Te veel onjuiste codes. Log opnieuw in vanaf het begin.",
      passwords_differ: "De twee wachtwoorden verschillen. Typ twee keer hetzelfde nieuwe wachtwoord.",
      one_time_password: "Dat is het eenmalige wachtwoord. Kies een eigen wachtwoord.",
      same_password: "Het nieuwe wachtwoord is uw huidige. Kies een ander.",
      wrong_current_password: "Het huidige wachtwoord klopt niet.",
      totp_on: "Inloggen in twee stappen staat al aan.",
      short: `Het wachtwoord is te kort: gebruik minstens ${MIN_PASSWORD_LENGTH} tekens, bijvoorbeeld een paar woorden achter elkaar.`,
      long: "Het wachtwoord is te lang.",
      variety:
        "Het wachtwoord herhaalt te weinig verschillende tekens. Gebruik meer variatie, bijvoorbeeld een paar woorden.",
      email: "Het wachtwoord bevat uw e-mailadres. Kies er een zonder.",
      common: "Dat is een bekend wachtwoord. Kies een ander, bijvoorbeeld een paar losse woorden.",
      csrf: "Het formulier was verlopen. Probeer het opnieuw.",
    } satisfies Record<SignInProblem | "csrf", string>,
    wait: (seconds: number) => (seconds < 90 ? `${seconds} seconden` : `${Math.ceil(seconds / 60)} minuten`),
  },
} as const;

export type Texts = (typeof TEXT)[Language];

export function textsOf(lang: Language): Texts {
  return TEXT[lang];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page: the layout, the stylesheet as a file, the language switch. `body` is HTML already escaped. */
export function page(title: string, body: string, opts: { lang?: Language; path?: string } = {}): string {
  const lang = opts.lang ?? "en";
  const here = opts.path ?? "";
  const t = TEXT[lang];
  const switcher = opts.path
    ? `<nav class="languages" aria-label="${t.language}">${LANGUAGES.map((l) =>
        l === lang
          ? `<span aria-current="true" lang="${l}">${l === "nl" ? "Nederlands" : "English"}</span>`
          : `<a href="${escapeHtml(here)}?lang=${l}" hreflang="${l}" lang="${l}">${l === "nl" ? "Nederlands" : "English"}</a>`,
      ).join(" · ")}</nav>`
    : "";
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)} · abusedesk</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/sign-in.css"></head>
<body><header><p class="brand">abusedesk</p>${switcher}</header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** An error or notice at the top of a form, read out by screen readers as it appears. */
export function alertBox(message: string | undefined, kind: "error" | "notice" = "error"): string {
  if (!message) return "";
  return kind === "error"
    ? `<p class="error" role="alert" id="form-error">${escapeHtml(message)}</p>`
    : `<p class="notice" role="status">${escapeHtml(message)}</p>`;
}

/** One labelled field; tied to the error above the form when there is one. */
export function field(
  id: string,
  label: string,
  input: { type: string; autocomplete: string; value?: string; extra?: string; hint?: string },
  hasError: boolean,
): string {
  const describedBy = [hasError ? "form-error" : "", input.hint ? `${id}-hint` : ""]
    .filter(Boolean)
    .join(" ");
  return `<label for="${id}">${escapeHtml(label)}</label>${input.hint ? `<p class="hint" id="${id}-hint">${escapeHtml(input.hint)}</p>` : ""}<input id="${id}" name="${id}" type="${input.type}" autocomplete="${input.autocomplete}" required${input.value !== undefined ? ` value="${escapeHtml(input.value)}"` : ""}${describedBy ? ` aria-describedby="${describedBy}"` : ""}${hasError ? ' aria-invalid="true"' : ""}${input.extra ? ` ${input.extra}` : ""}>`;
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}
