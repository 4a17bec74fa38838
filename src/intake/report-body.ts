/**
 * A report as a person reads it: subject, sender, date, its text, and its HTML made harmless. Reported
 * content is hostile (phishing pages, scripts, tracking pixels), so the HTML is sanitised here, on the
 * server, with sanitize-html and an allow-list: text and its structure, links to http(s) and mailto, and
 * nothing that runs, loads, submits, redirects or styles. Pure: bytes in, a body out.
 */
import sanitizeHtml from "sanitize-html";
import { decodeText, oneLine, parseDate } from "../parsers/common.ts";
import { readMail, walkOwn } from "../parsers/mail.ts";
import { looksLikeMail, type MimePart, partText } from "../parsers/mime.ts";

/** Longest text shown (characters); the rest is in the download of the original. */
export const REPORT_BODY_MAX_TEXT = 1024 * 1024;
/** Longest HTML part that is sanitised and shown (characters); a longer one is cut first. */
export const REPORT_BODY_MAX_HTML = 2 * 1024 * 1024;

export interface ReportBody {
  subject: string | null;
  from: string | null;
  date: string | null;
  text: string;
  /** The report's HTML part, sanitised; null when it has none. */
  html: string | null;
  /** Text or HTML was longer than shown. */
  truncated: boolean;
}

/** The tags a report's HTML keeps: text and its structure. No img (remote images are tracking pixels). */
const ALLOWED_TAGS = [
  "a",
  "abbr",
  "b",
  "blockquote",
  "br",
  "caption",
  "code",
  "col",
  "colgroup",
  "dd",
  "div",
  "dl",
  "dt",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "li",
  "ol",
  "p",
  "pre",
  "q",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "u",
  "ul",
];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  // rel and target are set on every link by transformTags below (over whatever the report wrote).
  allowedAttributes: {
    a: ["href", "title", "rel", "target"],
    td: ["colspan", "rowspan"],
    th: ["colspan", "rowspan"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  // Elements whose content is code or chrome, not text: dropped with what they hold.
  nonTextTags: [
    "script",
    "style",
    "textarea",
    "option",
    "noscript",
    "title",
    "head",
    "template",
    "svg",
    "math",
  ],
  disallowedTagsMode: "discard",
  nestingLimit: 64,
  parseStyleAttributes: false,
  transformTags: {
    // A link in a report leads to the abuse itself: only to another site (a relative one would lead into
    // the console), never with our referrer, never into our window.
    a: (tagName, attribs) => {
      const { href, title } = attribs;
      const absolute = href && /^(https?:\/\/|mailto:)/i.test(href.trim()) ? href.trim() : undefined;
      return {
        tagName,
        attribs: {
          ...(absolute ? { href: absolute, rel: "noopener noreferrer nofollow", target: "_blank" } : {}),
          ...(title ? { title } : {}),
        },
      };
    },
  },
};

/** HTML of a report, harmless to show: see the module comment for what is kept. */
export function sanitizeReportHtml(html: string): string {
  return sanitizeHtml(html.slice(0, REPORT_BODY_MAX_HTML), SANITIZE);
}

function isAttachment(p: MimePart): boolean {
  return p.disposition === "attachment" || (p.filename !== undefined && p.disposition !== "inline");
}

/** Reads a stored report for a person. A report that is not a mail (JSON, CSV, XML) is shown as text. */
export async function readReportBody(raw: Buffer, contentType: string | null): Promise<ReportBody> {
  const head = raw.subarray(0, 64 * 1024).toString("latin1");
  if (!/^message\//i.test(contentType ?? "") && !looksLikeMail(head)) {
    const text = decodeText(raw.subarray(0, REPORT_BODY_MAX_TEXT * 4)).slice(0, REPORT_BODY_MAX_TEXT);
    return {
      subject: null,
      from: null,
      date: null,
      text,
      html: null,
      truncated: raw.length > text.length,
    };
  }
  const mail = await readMail(raw);
  const own = [...walkOwn(mail.root)].filter((p) => !isAttachment(p));
  const plain = own.find((p) => p.contentType === "text/plain");
  const htmlPart = own.find((p) => p.contentType === "text/html");
  const htmlText = htmlPart ? partText(htmlPart) : null;
  const fullText = plain ? partText(plain) : mail.text;
  const date = parseDate(mail.headers.get("date"));
  return {
    subject: mail.subject || null,
    from: oneLine(mail.headers.get("from") ?? "", 998) || null,
    date: date ? date.toISOString() : null,
    text: fullText.slice(0, REPORT_BODY_MAX_TEXT),
    html: htmlText === null ? null : sanitizeReportHtml(htmlText),
    truncated: fullText.length > REPORT_BODY_MAX_TEXT || (htmlText?.length ?? 0) > REPORT_BODY_MAX_HTML,
  };
}
