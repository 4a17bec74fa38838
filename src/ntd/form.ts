/**
 * The public notice form (DSA art. 16; the NTD code) at `/notice/<brand>` (and `/notice?brand=<brand>`):
 * server-rendered, in Dutch and English, working without JavaScript, with labels, a fieldset per group, an
 * error summary that links to each field, and no inline style or script (it uses the portal's stylesheet).
 * It posts as multipart (files are stored, never opened), is rate limited per address, refuses a suspended
 * notifier with the reason, and answers with the notice's reference and, for a notifier who left no
 * address, a link to follow it. Everything it says is escaped.
 */
import fastifyMultipart from "@fastify/multipart";
import type { FastifyReply, FastifyRequest } from "fastify";
import { SYSTEM } from "../auth/auth.store.ts";
import { escapeHtml } from "../auth/routes.ts";
import { measureDeps } from "../measures/actions.ts";
import { createPortalLink } from "../portal/links.ts";
import { layout, type PortalLanguage, portalLanguage } from "../portal/pages.ts";
import { RateLimiter } from "../rate-limit.ts";
import type { App, RouteModule } from "../server.ts";
import { CATEGORIES, type Category } from "../taxonomy.ts";
import { categoryWords } from "./facts.ts";
import { type NoticeFile, type NtdDeps, receiveNotice } from "./notices.ts";
import {
  ANONYMOUS_CATEGORIES,
  MAX_EXPLANATION_CHARS,
  MAX_LOCATION_CHARS,
  MAX_NOTICE_FILE_BYTES,
  MAX_NOTICE_FILES,
  MAX_NOTICE_LOCATIONS,
  MAX_SHORT_FIELD_CHARS,
} from "./procedure.ts";

/** Requests per client address: pages per minute, notices per ten minutes. */
export const NOTICE_FORM_LIMITS = {
  pages: { limit: 120, windowMs: 60_000 },
  posts: { limit: 10, windowMs: 10 * 60_000 },
} as const;

/** The form's fields, each bounded; a longer value is refused with the field named. */
const FIELD_LIMITS: Readonly<Record<string, number>> = {
  category: 50,
  locations: MAX_NOTICE_LOCATIONS * (MAX_LOCATION_CHARS + 2),
  explanation: MAX_EXPLANATION_CHARS,
  legal_ground: MAX_SHORT_FIELD_CHARS,
  interest: MAX_SHORT_FIELD_CHARS,
  role: 50,
  name: MAX_SHORT_FIELD_CHARS,
  org: MAX_SHORT_FIELD_CHARS,
  email: 320,
  good_faith: 10,
  lang: 5,
};

/** Content categories a notice can be about, in the form's order. */
export const NOTICE_CATEGORIES: readonly Category[] = (Object.keys(CATEGORIES) as Category[]).filter(
  (c) => CATEGORIES[c].kind === "ntd",
);

const ROLES = ["rights_holder", "person_concerned", "representative", "other"] as const;

const W = {
  nl: {
    title: (b: string) => `Melding van onrechtmatige inhoud bij ${b}`,
    intro:
      "Met dit formulier meldt u inhoud op een dienst van ons die volgens u onrechtmatig of strafbaar is (notice-and-takedown; DSA art. 16). Wij bevestigen de ontvangst, beoordelen de melding zorgvuldig en laten u weten wat wij besluiten. Uw naam en e-mailadres geven wij niet aan de aanbieder van de inhoud, tenzij u daarmee instemt. Velden met * zijn verplicht.",
    what: "Wat meldt u?",
    category: "Soort inhoud *",
    locations: "Precieze vindplaats: de URL's, één per regel *",
    locationsHint: `Ten hoogste ${MAX_NOTICE_LOCATIONS}.`,
    explanation: "Waarom is deze inhoud onrechtmatig? *",
    explanationHint:
      "Leg zo precies mogelijk uit waarom, bijvoorbeeld welk werk, welk recht of welke uitlating. Deze toelichting kan, zonder uw naam en adres, aan de aanbieder van de inhoud worden doorgestuurd.",
    legalGround: "Juridische grondslag *",
    legalGroundHint: "Bijvoorbeeld auteursrecht, merkrecht, smaad of laster, privacy, portretrecht.",
    who: "Wie bent u?",
    role: "Uw rol *",
    roles: {
      rights_holder: "Rechthebbende",
      person_concerned: "Betrokkene (het gaat over mij)",
      representative: "Vertegenwoordiger (advocaat, gemachtigde)",
      other: "Anders",
    },
    interest: "Uw belang *",
    interestHint: "Waarom gaat deze inhoud u aan?",
    name: "Naam *",
    org: "Organisatie",
    email: "E-mailadres *",
    anonymous:
      "Bij een melding van kindermisbruikmateriaal mag u naam en e-mailadres weglaten (DSA art. 16(2)(c)).",
    files: "Bijlagen (niet verplicht)",
    filesHint: `Ten hoogste ${MAX_NOTICE_FILES} bestanden van elk ${MAX_NOTICE_FILE_BYTES / 1024 / 1024} MB. Wij openen ze niet automatisch.`,
    goodFaith:
      "Ik verklaar te goeder trouw dat de gegevens en beweringen in deze melding juist en volledig zijn. *",
    send: "Melding versturen",
    errors: "De melding is nog niet verstuurd. Verbeter het volgende:",
    required: (f: string) => `${f}: dit veld is verplicht.`,
    tooLong: (f: string) => `${f}: dit is te lang.`,
    thanks: "Uw melding is ontvangen",
    reference: (r: string) => `Uw kenmerk is ${r}. Vermeld dit bij elk bericht over deze melding.`,
    ack: "Wij hebben u een ontvangstbevestiging gestuurd met een link waarmee u de melding kunt volgen en aanvullen.",
    follow: "Met deze link kunt u uw melding volgen. Bewaar hem goed; wij kunnen u geen bericht sturen:",
    missingIntro: "In uw melding ontbreekt nog:",
    notHosted: "Deze vindplaatsen staan niet op ons netwerk; wendt u zich tot de partij die ze host:",
    wait: (s: number) => `U hebt te veel meldingen verstuurd. Probeer het over ${s} seconden opnieuw.`,
    noBrand: "Dit adres hoort niet bij een van onze merken.",
    refused: "De melding is geweigerd",
    tooLarge: `Een bijlage is groter dan ${MAX_NOTICE_FILE_BYTES / 1024 / 1024} MB, of het zijn er meer dan ${MAX_NOTICE_FILES}.`,
    unreadable: "Het formulier kon niet worden gelezen. Probeer het opnieuw.",
  },
  en: {
    title: (b: string) => `Notice of unlawful content to ${b}`,
    intro:
      "With this form you notify us of content on one of our services that you consider unlawful or illegal (notice and takedown; DSA art. 16). We confirm receipt, assess the notice carefully and tell you what we decide. We do not give your name and e-mail address to the provider of the content unless you agree. Fields marked * are required.",
    what: "What are you notifying?",
    category: "Kind of content *",
    locations: "Exact location: the URLs, one per line *",
    locationsHint: `At most ${MAX_NOTICE_LOCATIONS}.`,
    explanation: "Why is this content unlawful? *",
    explanationHint:
      "Explain as precisely as you can why, e.g. which work, which right or which statement. This explanation may be forwarded to the provider of the content, without your name and address.",
    legalGround: "Legal ground *",
    legalGroundHint: "For example copyright, trademark, defamation, privacy, portrait rights.",
    who: "Who are you?",
    role: "Your role *",
    roles: {
      rights_holder: "Rights holder",
      person_concerned: "Person concerned (it is about me)",
      representative: "Representative (lawyer, agent)",
      other: "Other",
    },
    interest: "Your interest *",
    interestHint: "Why does this content concern you?",
    name: "Name *",
    org: "Organisation",
    email: "E-mail address *",
    anonymous:
      "For a notice of child sexual abuse material you may leave out your name and e-mail address (DSA art. 16(2)(c)).",
    files: "Attachments (optional)",
    filesHint: `At most ${MAX_NOTICE_FILES} files of ${MAX_NOTICE_FILE_BYTES / 1024 / 1024} MB each. We do not open them automatically.`,
    goodFaith:
      "I declare in good faith that the information and allegations in this notice are accurate and complete. *",
    send: "Send notice",
    errors: "The notice has not been sent yet. Please correct the following:",
    required: (f: string) => `${f}: this field is required.`,
    tooLong: (f: string) => `${f}: this is too long.`,
    thanks: "Your notice has been received",
    reference: (r: string) => `Your reference is ${r}. Please quote it in any message about this notice.`,
    ack: "We have sent you an acknowledgement with a link to follow your notice and add to it.",
    follow: "With this link you can follow your notice. Keep it safe; we cannot write to you:",
    missingIntro: "Your notice still lacks:",
    notHosted: "These locations are not hosted on our network; please turn to the party that hosts them:",
    wait: (s: number) => `You have sent too many notices. Try again in ${s} seconds.`,
    noBrand: "This address does not belong to one of our brands.",
    refused: "The notice was refused",
    tooLarge: `An attachment is larger than ${MAX_NOTICE_FILE_BYTES / 1024 / 1024} MB, or there are more than ${MAX_NOTICE_FILES}.`,
    unreadable: "The form could not be read. Please try again.",
  },
} as const;

const e = escapeHtml;

export interface FormValues {
  category?: string;
  locations?: string;
  explanation?: string;
  legal_ground?: string;
  interest?: string;
  role?: string;
  name?: string;
  org?: string;
  email?: string;
  good_faith?: string;
}

export interface FieldError {
  field: keyof FormValues | "files";
  text: string;
}

/** The form, with the values given and what is wrong with them. */
export function noticeFormPage(
  brand: { id: string; name: string },
  lang: PortalLanguage,
  values: FormValues = {},
  errors: readonly FieldError[] = [],
): string {
  const w = W[lang];
  const err = (f: FieldError["field"]) => errors.find((x) => x.field === f);
  const described = (f: FieldError["field"], hint: boolean) => {
    const ids = [hint ? `${f}-hint` : "", err(f) ? `${f}-error` : ""].filter(Boolean).join(" ");
    return ids ? ` aria-describedby="${ids}"` : "";
  };
  const invalid = (f: FieldError["field"]) => (err(f) ? ' aria-invalid="true"' : "");
  const errorText = (f: FieldError["field"]) =>
    err(f) ? `<p class="error" id="${f}-error">${e(err(f)!.text)}</p>` : "";
  const v = (f: keyof FormValues) => e(values[f] ?? "");
  const summary = errors.length
    ? `<div class="error" role="alert" tabindex="-1" id="errors"><p>${w.errors}</p><ul>${errors
        .map((x) => `<li><a href="#${x.field}">${e(x.text)}</a></li>`)
        .join("")}</ul></div>`
    : "";
  const options = NOTICE_CATEGORIES.map(
    (c) =>
      `<option value="${c}"${values.category === c ? " selected" : ""}>${e(categoryWords(c, lang))}</option>`,
  ).join("");
  const roles = ROLES.map(
    (r) => `<option value="${r}"${values.role === r ? " selected" : ""}>${e(w.roles[r])}</option>`,
  ).join("");
  const body = `<h1>${e(w.title(brand.name))}</h1>
${summary}
<p>${e(w.intro)}</p>
<form method="post" action="/notice/${e(brand.id)}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="lang" value="${lang}">
<fieldset><legend>${w.what}</legend>
<p><label for="category">${w.category}</label><br>
<select id="category" name="category" required${invalid("category")}${described("category", false)}><option value=""></option>${options}</select></p>
${errorText("category")}
<p><label for="locations">${w.locations}</label><br>
<textarea id="locations" name="locations" rows="4" cols="60" required${invalid("locations")}${described("locations", true)}>${v("locations")}</textarea></p>
<p class="hint" id="locations-hint">${w.locationsHint}</p>
${errorText("locations")}
<p><label for="explanation">${w.explanation}</label><br>
<textarea id="explanation" name="explanation" rows="8" cols="60" required maxlength="${MAX_EXPLANATION_CHARS}"${invalid("explanation")}${described("explanation", true)}>${v("explanation")}</textarea></p>
<p class="hint" id="explanation-hint">${w.explanationHint}</p>
${errorText("explanation")}
<p><label for="legal_ground">${w.legalGround}</label><br>
<input id="legal_ground" name="legal_ground" maxlength="${MAX_SHORT_FIELD_CHARS}" value="${v("legal_ground")}"${invalid("legal_ground")}${described("legal_ground", true)}></p>
<p class="hint" id="legal_ground-hint">${w.legalGroundHint}</p>
${errorText("legal_ground")}
</fieldset>
<fieldset><legend>${w.who}</legend>
<p class="hint">${w.anonymous}</p>
<p><label for="role">${w.role}</label><br>
<select id="role" name="role"${invalid("role")}${described("role", false)}><option value=""></option>${roles}</select></p>
${errorText("role")}
<p><label for="interest">${w.interest}</label><br>
<input id="interest" name="interest" maxlength="${MAX_SHORT_FIELD_CHARS}" value="${v("interest")}"${invalid("interest")}${described("interest", true)}></p>
<p class="hint" id="interest-hint">${w.interestHint}</p>
${errorText("interest")}
<p><label for="name">${w.name}</label><br>
<input id="name" name="name" autocomplete="name" maxlength="${MAX_SHORT_FIELD_CHARS}" value="${v("name")}"${invalid("name")}${described("name", false)}></p>
${errorText("name")}
<p><label for="org">${w.org}</label><br>
<input id="org" name="org" autocomplete="organization" maxlength="${MAX_SHORT_FIELD_CHARS}" value="${v("org")}"></p>
<p><label for="email">${w.email}</label><br>
<input id="email" name="email" type="email" autocomplete="email" maxlength="320" value="${v("email")}"${invalid("email")}${described("email", false)}></p>
${errorText("email")}
</fieldset>
<fieldset><legend>${w.files}</legend>
<p><label for="files">${w.files}</label><br>
<input id="files" name="files" type="file" multiple${described("files", true)}></p>
<p class="hint" id="files-hint">${w.filesHint}</p>
${errorText("files")}
</fieldset>
<p><input id="good_faith" name="good_faith" type="checkbox" value="yes"${values.good_faith ? " checked" : ""}${invalid("good_faith")}${described("good_faith", false)}>
<label for="good_faith">${w.goodFaith}</label></p>
${errorText("good_faith")}
<p><button type="submit">${w.send}</button></p>
</form>`;
  return layout(lang, w.title(brand.name), body);
}

export function receivedPage(
  brand: { name: string },
  lang: PortalLanguage,
  r: {
    reference: string;
    missing: string[];
    unresolved: string[];
    followUrl: string | null;
    acknowledged: boolean;
  },
): string {
  const w = W[lang];
  const list = (items: readonly string[]) => `<ul>${items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>`;
  const body = `<h1>${w.thanks}</h1>
<p role="status">${e(w.reference(r.reference))}</p>
${r.acknowledged ? `<p>${w.ack}</p>` : ""}
${r.followUrl ? `<p>${w.follow}</p><p><a href="${e(r.followUrl)}">${e(r.followUrl)}</a></p>` : ""}
${r.missing.length ? `<p>${w.missingIntro}</p>${list(r.missing)}` : ""}
${r.unresolved.length ? `<p>${w.notHosted}</p>${list(r.unresolved)}` : ""}`;
  return layout(lang, `${brand.name} · ${w.thanks}`, body);
}

function message(lang: PortalLanguage, title: string, text: string): string {
  return layout(lang, title, `<h1>${e(title)}</h1>\n<p role="alert">${e(text)}</p>`);
}

/** Checks the values as a person would be told, field by field (the procedure checks the rest). */
export function checkForm(values: FormValues, lang: PortalLanguage): FieldError[] {
  const w = W[lang];
  const errors: FieldError[] = [];
  const label = (t: string) => t.replace(/ \*$/, "");
  for (const [field, max] of Object.entries(FIELD_LIMITS)) {
    const value = (values as Record<string, string | undefined>)[field];
    if (value && value.length > max)
      errors.push({ field: field as keyof FormValues, text: w.tooLong(field) });
  }
  if (!values.category || !NOTICE_CATEGORIES.includes(values.category as Category))
    errors.push({ field: "category", text: w.required(label(w.category)) });
  if (!values.locations?.trim()) errors.push({ field: "locations", text: w.required(label(w.locations)) });
  if (!values.explanation?.trim())
    errors.push({ field: "explanation", text: w.required(label(w.explanation)) });
  if (!values.good_faith) errors.push({ field: "good_faith", text: w.required(label(w.goodFaith)) });
  const anonymous = ANONYMOUS_CATEGORIES.includes(values.category as Category);
  if (!anonymous) {
    if (!values.legal_ground?.trim())
      errors.push({ field: "legal_ground", text: w.required(label(w.legalGround)) });
    if (!values.role || !(ROLES as readonly string[]).includes(values.role))
      errors.push({ field: "role", text: w.required(label(w.role)) });
    if (!values.interest?.trim()) errors.push({ field: "interest", text: w.required(label(w.interest)) });
    if (!values.name?.trim()) errors.push({ field: "name", text: w.required(label(w.name)) });
    if (!values.email?.trim()) errors.push({ field: "email", text: w.required(label(w.email)) });
  }
  if (values.email?.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))
    errors.push({ field: "email", text: w.required(label(w.email)) });
  return errors;
}

const FIELDS = new Set(Object.keys(FIELD_LIMITS));

export const noticeWeb: RouteModule = (app, services) => {
  const { db } = services;
  const deps: NtdDeps = {
    ...measureDeps(services),
    pipeline: services.pipeline,
    messages: services.messages,
  };
  const limiters = {
    pages: new RateLimiter(NOTICE_FORM_LIMITS.pages),
    posts: new RateLimiter(NOTICE_FORM_LIMITS.posts),
  };
  const html = (reply: FastifyReply, status: number, page: string) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("referrer-policy", "no-referrer")
      .send(page);
  const langOf = (req: FastifyRequest, fallback?: string) => {
    const q = (req.query as { lang?: unknown } | undefined)?.lang;
    return portalLanguage(typeof q === "string" ? q : fallback);
  };
  const brandOf = async (id: string) =>
    /^[a-z0-9][a-z0-9-]{0,99}$/.test(id)
      ? db.selectFrom("brands").select(["id", "name", "languages"]).where("id", "=", id).executeTakeFirst()
      : undefined;
  const limited =
    (which: keyof typeof limiters) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const verdict = limiters[which].take(req.ip);
      if (verdict.allowed) return;
      const lang = langOf(req);
      reply.header("retry-after", String(verdict.retryAfterSeconds));
      await html(reply, 429, message(lang, W[lang].refused, W[lang].wait(verdict.retryAfterSeconds)));
    };

  app.get("/notice", { schema: { hide: true }, preHandler: limited("pages") }, async (req, reply) => {
    const q = req.query as { brand?: unknown; lang?: unknown };
    const brand = typeof q.brand === "string" ? await brandOf(q.brand) : undefined;
    const lang = langOf(req);
    if (!brand) return html(reply, 404, message(lang, W[lang].refused, W[lang].noBrand));
    return reply.redirect(`/notice/${brand.id}?lang=${lang}`, 303);
  });

  app.get<{ Params: { brand: string } }>(
    "/notice/:brand",
    { schema: { hide: true }, preHandler: limited("pages") },
    async (req, reply) => {
      const brand = await brandOf(req.params.brand);
      const lang = langOf(req, brand?.languages[0]);
      if (!brand) return html(reply, 404, message(lang, W[lang].refused, W[lang].noBrand));
      return html(reply, 200, noticeFormPage(brand, lang));
    },
  );

  app.register(async (scope: App) => {
    await scope.register(fastifyMultipart, {
      limits: {
        fileSize: MAX_NOTICE_FILE_BYTES,
        files: MAX_NOTICE_FILES,
        fields: 20,
        fieldSize: MAX_EXPLANATION_CHARS * 4,
        parts: MAX_NOTICE_FILES + 20,
      },
    });
    scope.post<{ Params: { brand: string } }>(
      "/notice/:brand",
      { schema: { hide: true }, preHandler: limited("posts") },
      async (req, reply) => {
        const brand = await brandOf(req.params.brand);
        let lang = langOf(req, brand?.languages[0]);
        if (!brand) return html(reply, 404, message(lang, W[lang].refused, W[lang].noBrand));
        const values: Record<string, string> = Object.create(null);
        const files: NoticeFile[] = [];
        try {
          if (req.isMultipart()) {
            for await (const part of req.parts()) {
              if (part.type === "file") {
                // Bytes, and nothing else: never parsed, never looked into.
                const data = await part.toBuffer();
                if (part.filename || data.length > 0)
                  files.push({
                    filename: part.filename || "file",
                    declaredType: part.mimetype || null,
                    data,
                  });
              } else if (FIELDS.has(part.fieldname) && typeof part.value === "string")
                values[part.fieldname] = part.value;
            }
          } else {
            const body = (req.body ?? {}) as Record<string, unknown>;
            for (const f of FIELDS) if (typeof body[f] === "string") values[f] = body[f] as string;
          }
        } catch (err) {
          const code = (err as { code?: string }).code ?? "";
          const tooLarge = /TOO_LARGE|LIMIT/.test(code);
          return html(
            reply,
            tooLarge ? 413 : 400,
            message(lang, W[lang].refused, tooLarge ? W[lang].tooLarge : W[lang].unreadable),
          );
        }
        lang = portalLanguage(values.lang ?? lang);
        const errors = checkForm(values, lang);
        if (errors.length > 0) return html(reply, 422, noticeFormPage(brand, lang, values, errors));
        const result = await receiveNotice(
          deps,
          { ...SYSTEM, name: "public:notice-form", role: "agent", brands: null },
          {
            brand: brand.id,
            channel: "form",
            category: values.category as Category,
            locations: (values.locations ?? "")
              .split(/\r?\n/)
              .map((l) => l.trim())
              .filter(Boolean),
            explanation: values.explanation,
            notifier: { name: values.name, email: values.email, org: values.org, role: values.role },
            interest: values.interest,
            legal_ground: values.legal_ground,
            good_faith: Boolean(values.good_faith),
            language: lang,
            files,
          },
        );
        if (!result.ok) {
          if (result.error.status === 422)
            return html(
              reply,
              422,
              noticeFormPage(brand, lang, values, [{ field: "locations", text: result.error.message }]),
            );
          return html(reply, result.error.status, message(lang, W[lang].refused, result.error.message));
        }
        // Someone who left no address gets the link here: there is nobody to send it to.
        const followUrl =
          result.value.message === null && deps.messages
            ? await createPortalLink(db, {
                publicUrl: deps.messages.publicUrl,
                kind: "reporter",
                brandId: brand.id,
                reportId: result.value.report_id,
                messageId: null,
                language: lang,
                days: 365,
              })
            : null;
        return html(
          reply,
          201,
          receivedPage(brand, lang, {
            reference: result.value.reference,
            missing: [],
            unresolved: result.value.unresolved,
            followUrl,
            acknowledged: result.value.message !== null,
          }),
        );
      },
    );
  });
};
