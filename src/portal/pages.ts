/**
 * The portal's pages (pure): server-rendered HTML in Dutch and English that works without JavaScript, with
 * landmarks, headings and labels, no inline style or script (the stylesheet is /portal/style.css), and every
 * value escaped. A form carries the session's CSRF token.
 */
import { escapeHtml } from "../auth/routes.ts";
import type { CaseState } from "../db/schema.ts";
import { categoryWords, formatMoment, type Language } from "../messages/vocabulary.ts";
import { maskLinks } from "./links.ts";
import type { customerView, reporterView } from "./portal.ts";
import { MAX_UPLOAD_BYTES } from "./portal.ts";

/** The languages the portal's own words are written in; others read English. */
export type PortalLanguage = "nl" | "en";

export function portalLanguage(lang: string | undefined | null): PortalLanguage {
  return lang === "nl" ? "nl" : "en";
}

const WORDS = {
  nl: {
    portal: "Klantportaal",
    follow: "Uw melding volgen",
    skip: "Naar de inhoud",
    other: "English",
    otherLang: "en",
    signOut: "Afmelden",
    noCases: "U hebt op dit moment geen openstaande dossiers.",
    intro: (n: string) =>
      `Hieronder staan de openstaande abuse-dossiers van ${n}. U kunt per dossier antwoorden, een bewijsstuk uploaden of laten weten dat het probleem is opgelost.`,
    state: "Status",
    opened: "Geopend",
    term: "Termijn",
    reported: "Wat er is gemeld",
    excerpt: "Uittreksel",
    messages: "Berichten",
    fromUs: "Van ons",
    fromYou: "Van u",
    none: "Nog geen berichten.",
    files: "Uw bestanden",
    answer: "Uw antwoord",
    answerLabel: "Schrijf uw antwoord",
    send: "Versturen",
    upload: "Bewijsstuk uploaden",
    fileLabel: (mb: number) => `Bestand (ten hoogste ${mb} MB)`,
    noteLabel: "Toelichting (niet verplicht)",
    uploadButton: "Uploaden",
    solved: "Opgelost?",
    solvedLabel: "Wat hebt u gedaan? (niet verplicht)",
    solvedButton: "Het probleem is opgelost",
    done: {
      complaint: "Dank u, uw klacht is ontvangen. Iemand die het besluit niet nam, behandelt haar.",
      answer: "Dank u, uw antwoord is ontvangen.",
      upload: "Dank u, uw bestand is ontvangen.",
      solved: "Dank u, wij beoordelen of het probleem is opgelost.",
    },
    reportTitle: (n: number) => `Melding ${n}`,
    received: "Ontvangen",
    cases: "Dossiers",
    noCase: "Uw melding is (nog) niet aan een dossier gekoppeld.",
    privacy: "Om de privacy van onze klanten te beschermen, tonen wij geen gegevens over de betrokken klant.",
    contact: "Vragen? Schrijf ons op",
    nothingSent: "Wij hebben u nog niets gestuurd.",
    states: {
      new: "nieuw",
      waiting_customer: "wacht op uw reactie",
      waiting_reporter: "wacht op de melder",
      in_review: "in behandeling",
      measures: "maatregelen van kracht",
      resolved: "afgehandeld",
      rejected: "afgewezen",
      closed: "gesloten",
    } satisfies Record<CaseState, string>,
    reporterStates: {
      new: "ontvangen",
      waiting_customer: "in behandeling",
      waiting_reporter: "wij wachten op informatie van u",
      in_review: "in behandeling",
      measures: "maatregelen genomen",
      resolved: "afgehandeld",
      rejected: "afgewezen",
      closed: "gesloten",
    } satisfies Record<CaseState, string>,
  },
  en: {
    portal: "Customer portal",
    follow: "Follow your report",
    skip: "Skip to content",
    other: "Nederlands",
    otherLang: "nl",
    signOut: "Sign out",
    noCases: "You have no open cases at the moment.",
    intro: (n: string) =>
      `These are the open abuse cases of ${n}. For each case you can answer, upload evidence or tell us the problem is solved.`,
    state: "Status",
    opened: "Opened",
    term: "Deadline",
    reported: "What was reported",
    excerpt: "Excerpt",
    messages: "Messages",
    fromUs: "From us",
    fromYou: "From you",
    none: "No messages yet.",
    files: "Your files",
    answer: "Your answer",
    answerLabel: "Write your answer",
    send: "Send",
    upload: "Upload evidence",
    fileLabel: (mb: number) => `File (at most ${mb} MB)`,
    noteLabel: "Note (optional)",
    uploadButton: "Upload",
    solved: "Solved?",
    solvedLabel: "What did you do? (optional)",
    solvedButton: "The problem is solved",
    done: {
      complaint:
        "Thank you, we have received your complaint. Someone who did not take the decision handles it.",
      answer: "Thank you, we have received your answer.",
      upload: "Thank you, we have received your file.",
      solved: "Thank you, we will check whether the problem is solved.",
    },
    reportTitle: (n: number) => `Report ${n}`,
    received: "Received",
    cases: "Cases",
    noCase: "Your report is not (yet) part of a case.",
    privacy: "To protect our customers' privacy, we show no details about the customer concerned.",
    contact: "Questions? Write to",
    nothingSent: "We have not sent you anything yet.",
    states: {
      new: "new",
      waiting_customer: "waiting for your reaction",
      waiting_reporter: "waiting for the reporter",
      in_review: "being reviewed",
      measures: "measures in force",
      resolved: "resolved",
      rejected: "rejected",
      closed: "closed",
    } satisfies Record<CaseState, string>,
    reporterStates: {
      new: "received",
      waiting_customer: "being handled",
      waiting_reporter: "we are waiting for information from you",
      in_review: "being handled",
      measures: "measures taken",
      resolved: "resolved",
      rejected: "rejected",
      closed: "closed",
    } satisfies Record<CaseState, string>,
  },
} as const;

const e = escapeHtml;

export function layout(
  lang: PortalLanguage,
  title: string,
  body: string,
  opts: { signedIn?: boolean } = {},
): string {
  const w = WORDS[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title>
<link rel="stylesheet" href="/portal/style.css">
</head>
<body>
<a class="skip" href="#main">${w.skip}</a>
<header>
<p class="site">${e(title)}</p>
<nav aria-label="${lang === "nl" ? "Taal en sessie" : "Language and session"}">
<a href="?lang=${w.otherLang}" lang="${w.otherLang}" hreflang="${w.otherLang}">${w.other}</a>
${opts.signedIn ? `<form method="post" action="/portal/logout" class="inline"><button type="submit">${w.signOut}</button></form>` : ""}
</nav>
</header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** A page with one message: a link that does not work, a limit reached, a form that went wrong. */
export function notice(lang: PortalLanguage, title: string, text: string): string {
  return layout(lang, title, `<h1>${e(title)}</h1>\n<p role="alert">${e(text)}</p>`);
}

function hidden(csrf: string, lang: PortalLanguage) {
  return `<input type="hidden" name="_csrf" value="${e(csrf)}"><input type="hidden" name="lang" value="${lang}">`;
}

type CustomerView = Awaited<ReturnType<typeof customerView>>;
type ReporterView = Awaited<ReturnType<typeof reporterView>>;

export function customerPage(
  v: CustomerView,
  ctx: {
    lang: PortalLanguage;
    csrf: string;
    done?: keyof (typeof WORDS)["en"]["done"];
    error?: string;
    /** More sections (decisions on notices, src/ntd/portal.ts). */
    extra?: string;
  },
): string {
  const w = WORDS[ctx.lang];
  const tz = v.brand.timeZone;
  const when = (d: Date) => formatMoment(d, ctx.lang as Language, tz);
  const flash = ctx.error
    ? `<p class="error" role="alert">${e(ctx.error)}</p>`
    : ctx.done
      ? `<p class="ok" role="status">${e(w.done[ctx.done])}</p>`
      : "";
  const cases = v.cases.map((c) => {
    const id = `case-${c.id}`;
    const evidence = c.evidence
      .map(
        (ev) =>
          `<li>${e(ev.what)}, ${e(ev.when)}: <span class="address">${e(ev.address)}</span>${
            ev.excerpt ? `<details><summary>${w.excerpt}</summary><pre>${e(ev.excerpt)}</pre></details>` : ""
          }</li>`,
      )
      .join("\n");
    const thread = c.thread.length
      ? `<ol class="thread">${c.thread
          .map(
            (m) =>
              `<li class="${m.direction === "in" ? "in" : "out"}"><p class="meta">${m.direction === "in" ? w.fromYou : w.fromUs}, ${e(when(m.sent_at ?? m.created_at))}: <strong>${e(m.subject ?? "")}</strong></p><pre>${e(maskLinks(m.body ?? ""))}</pre></li>`,
          )
          .join("\n")}</ol>`
      : `<p>${w.none}</p>`;
    const files = c.files.length
      ? `<h3>${w.files}</h3><ul>${c.files
          .map(
            (f) =>
              `<li><a href="/portal/files/${f.id}" download>${e(f.filename)}</a> (${f.size} bytes, SHA-256 <code>${e(f.sha256.slice(0, 16))}…</code>)</li>`,
          )
          .join("")}</ul>`
      : "";
    const deadline = c.deadlines[0] ? `<dt>${w.term}</dt><dd>${e(when(c.deadlines[0].due_at))}</dd>` : "";
    const mb = MAX_UPLOAD_BYTES / 1024 / 1024;
    return `<section id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">[${e(c.reference)}] ${e(categoryWords(c.category, ctx.lang))}</h2>
<dl>
<dt>${w.state}</dt><dd>${e(w.states[c.state as CaseState] ?? c.state)}</dd>
<dt>${w.opened}</dt><dd>${e(when(c.opened_at))}</dd>
${deadline}
</dl>
<h3>${w.reported}</h3>
<ul class="evidence">${evidence}</ul>
<h3>${w.messages}</h3>
${thread}
${files}
<h3 id="${id}-answer">${w.answer}</h3>
<form method="post" action="/portal/cases/${c.id}/answer">
${hidden(ctx.csrf, ctx.lang)}
<label for="${id}-text">${w.answerLabel}</label>
<textarea id="${id}-text" name="text" rows="6" maxlength="20000" required></textarea>
<button type="submit">${w.send}</button>
</form>
<h3>${w.upload}</h3>
<form method="post" action="/portal/cases/${c.id}/upload" enctype="multipart/form-data">
${hidden(ctx.csrf, ctx.lang)}
<label for="${id}-file">${w.fileLabel(mb)}</label>
<input id="${id}-file" name="file" type="file" required>
<label for="${id}-note">${w.noteLabel}</label>
<textarea id="${id}-note" name="text" rows="3" maxlength="20000"></textarea>
<button type="submit">${w.uploadButton}</button>
</form>
<h3>${w.solved}</h3>
<form method="post" action="/portal/cases/${c.id}/solved">
${hidden(ctx.csrf, ctx.lang)}
<label for="${id}-solved">${w.solvedLabel}</label>
<textarea id="${id}-solved" name="text" rows="3" maxlength="20000"></textarea>
<button type="submit">${w.solvedButton}</button>
</form>
</section>`;
  });
  const body = `<h1>${e(v.brand.name)}: ${w.portal}</h1>
${flash}
<p>${e(w.intro(v.customer.name))}</p>
${cases.length ? cases.join("\n") : `<p>${w.noCases}</p>`}
${ctx.extra ?? ""}
<p class="contact">${w.contact} <a href="mailto:${e(v.brand.abuseAddress)}">${e(v.brand.abuseAddress)}</a>.</p>`;
  return layout(ctx.lang, `${v.brand.name} · ${w.portal}`, body, { signedIn: true });
}

export function reporterPage(
  v: ReporterView,
  ctx: { lang: PortalLanguage; extra?: string; done?: boolean; error?: string },
): string {
  const w = WORDS[ctx.lang];
  const when = (d: Date) => formatMoment(d, ctx.lang as Language, v.brand.timeZone);
  const r = v.report;
  const cases = v.cases.length
    ? `<ul>${v.cases
        .map(
          (c) =>
            `<li><strong>[${e(c.reference)}]</strong> ${e(categoryWords(c.category, ctx.lang))}: ${e(w.reporterStates[c.state as CaseState] ?? c.state)}</li>`,
        )
        .join("")}</ul>`
    : `<p>${w.noCase}</p>`;
  const thread = v.thread.length
    ? `<ol class="thread">${v.thread
        .map(
          (m) =>
            `<li class="out"><p class="meta">${w.fromUs}, ${e(when(m.sent_at ?? m.created_at))}: <strong>${e(m.subject ?? "")}</strong></p><pre>${e(maskLinks(m.body ?? ""))}</pre></li>`,
        )
        .join("")}</ol>`
    : `<p>${w.nothingSent}</p>`;
  const body = `<h1>${e(v.brand.name)}: ${w.follow}</h1>
${
  r
    ? `<h2>${e(w.reportTitle(r.id))}</h2>
<dl><dt>${w.received}</dt><dd>${e(when(r.received_at))}</dd></dl>
<h2>${w.cases}</h2>
${cases}
<p>${w.privacy}</p>
<h2>${w.messages}</h2>
${thread}`
    : ""
}
${ctx.extra ?? ""}
<p class="contact">${w.contact} <a href="mailto:${e(v.brand.abuseAddress)}">${e(v.brand.abuseAddress)}</a>.</p>`;
  const flash = ctx.error
    ? `<p class="error" role="alert">${e(ctx.error)}</p>\n`
    : ctx.done
      ? `<p class="ok" role="status">${ctx.lang === "nl" ? "Dank u, ontvangen." : "Thank you, received."}</p>\n`
      : "";
  return layout(ctx.lang, `${v.brand.name} · ${w.follow}`, flash + body, { signedIn: true });
}
