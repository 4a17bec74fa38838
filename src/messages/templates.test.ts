import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadPolicyProfiles } from "../policy/load.ts";
import type { PolicyProfile } from "../policy/schema.ts";
import { BUILTIN_TEMPLATES_DIR, loadTemplates, TemplatesBrokenError } from "./template-files.ts";
import {
  checkTemplate,
  parseTemplate,
  renderTemplate,
  sampleData,
  TEMPLATE_NAMES,
  TEMPLATE_SPECS,
  TemplateError,
} from "./templates.ts";

const PROFILES = fileURLToPath(new URL("../../policy/profiles", import.meta.url));
const where = { name: "notice", language: "nl" as const, brand: null, source: "notice.nl.md" };

const file = (front: string, body: string) => `---\n${front}\n---\n${body}`;

test("a template renders its variables; a line that holds only tags leaves no line behind", () => {
  const t = parseTemplate(
    file(
      'party: customer\nsubject: "Waarschuwing {{ case.reference }}"\nvariables: [case.reference, evidence]',
      "Bewijs:\n{% for e in evidence %}\n- {{ e.what }} vanaf {{ e.address }}\n{% endfor %}\nEinde\n",
    ),
    where,
  );
  const out = renderTemplate(t, {
    case: { reference: "Extin abuse #4" },
    evidence: [
      { what: "Spam", address: "192.0.2.1" },
      { what: "Spam", address: "192.0.2.2" },
    ],
  });
  assert.equal(out.subject, "Waarschuwing Extin abuse #4");
  assert.equal(out.body, "Bewijs:\n- Spam vanaf 192.0.2.1\n- Spam vanaf 192.0.2.2\nEinde\n");
});

test("a missing variable is an error, never a blank in the letter", () => {
  const t = parseTemplate(
    file('party: customer\nsubject: "x"\nvariables: [customer.name]', "Geachte {{ customer.name }},\n"),
    where,
  );
  assert.throws(() => renderTemplate(t, {}), /undefined variable: customer/);
  assert.throws(() => renderTemplate(t, { customer: {} }), /undefined variable: customer.name/);
});

test("the subject is one line: a value with CR/LF cannot add a header", () => {
  const t = parseTemplate(
    file('party: customer\nsubject: "Re {{ case.reference }}"\nvariables: [case.reference]', "x\n"),
    where,
  );
  const out = renderTemplate(t, { case: { reference: "a\r\nBcc: victim@example.org" } });
  assert.equal(out.subject, "Re a Bcc: victim@example.org");
  assert.ok(!/[\r\n]/.test(out.subject));
});

test("checks at start: an undeclared variable, an unknown one, a loop field that does not exist, the wrong party", () => {
  const undeclared = parseTemplate(
    file('party: customer\nsubject: "x"\nvariables: []', "{{ customer.name }}"),
    where,
  );
  assert.match(
    checkTemplate(undeclared, { reporterIdentityAllowed: false }).join(),
    /uses customer.name but does not declare it/,
  );
  const unknown = parseTemplate(
    file('party: customer\nsubject: "x"\nvariables: [customer.shoe_size]', "x"),
    where,
  );
  assert.match(
    checkTemplate(unknown, { reporterIdentityAllowed: false }).join(),
    /declares customer.shoe_size, which the desk does not supply/,
  );
  const loop = parseTemplate(
    file(
      'party: customer\nsubject: "x"\nvariables: [evidence]',
      "{% for e in evidence %}{{ e.colour }}{% endfor %}",
    ),
    where,
  );
  assert.match(
    checkTemplate(loop, { reporterIdentityAllowed: false }).join(),
    /cannot be rendered: undefined variable: e.colour/,
  );
  const party = parseTemplate(file('party: reporter\nsubject: "x"\nvariables: []', "x"), where);
  assert.match(
    checkTemplate(party, { reporterIdentityAllowed: false }).join(),
    /a template cannot change who gets it/,
  );
  assert.throws(
    () => parseTemplate(file('party: customer\nsubject: "x"\nmeets: [tomorrow]', "x"), where),
    (e: unknown) => e instanceof TemplateError && /not a deadline the desk keeps/.test(e.message),
  );
  assert.throws(() => parseTemplate("Geachte klant", where), /front matter between two lines of ---/);
  assert.throws(
    () => parseTemplate(file('party: customer\nsubject: "x"', "{% if x %}"), where),
    /Liquid syntax/,
  );
});

test("the reporter's identity is a variable only for a brand that passes it on; the customer's never reaches a reporter template", () => {
  const naming = parseTemplate(
    file('party: customer\nsubject: "x"\nvariables: [reporter.name]', "Melder: {{ reporter.name }}"),
    where,
  );
  assert.match(
    checkTemplate(naming, { reporterIdentityAllowed: false }).join(),
    /does not pass the reporter's identity to the customer/,
  );
  assert.deepEqual(checkTemplate(naming, { reporterIdentityAllowed: true }), []);
  const ack = parseTemplate(
    file('party: reporter\nsubject: "x"\nvariables: [customer.name]', "Klant: {{ customer.name }}"),
    { ...where, name: "acknowledgement" },
  );
  assert.match(
    checkTemplate(ack, { reporterIdentityAllowed: true }).join(),
    /the customer's identity never reaches the reporter/,
  );
});

test("every built-in template exists in NL and EN, checks, and renders with every variable it may get", async () => {
  const policies = await loadPolicyProfiles(PROFILES);
  const set = await loadTemplates({ policies });
  for (const name of TEMPLATE_NAMES)
    for (const lang of ["nl", "en"] as const) {
      const t = set.resolve("extin", name, [lang]);
      assert.ok(t, `${name}.${lang}.md`);
      assert.equal(t.language, lang);
      const out = renderTemplate(t, sampleData(TEMPLATE_SPECS[name].variables));
      assert.ok(out.body.length > 100, `${name}.${lang} says something`);
      assert.ok(
        !/\[object Object\]|undefined|NaN/.test(out.body + out.subject),
        `${name}.${lang} prints no raw values`,
      );
    }
  assert.deepEqual(set.resolve("extin", "acknowledgement", ["nl"])?.meets, ["acknowledge_receipt"]);
  assert.deepEqual(set.resolve("extin", "missing_information", ["en"])?.meets, ["acknowledge_receipt"]);
  assert.deepEqual(set.resolve("extin", "reporter_update", ["nl"])?.meets, ["reply_to_reporter"]);
});

test("a brand's own file wins over the desk's; a language without a template falls back to the next", async () => {
  const policies = await loadPolicyProfiles(PROFILES);
  const set = await loadTemplates({ policies });
  const be = set.resolve("x2com-be", "notice_of_default", ["fr", "nl"]);
  assert.equal(be?.brand, "x2com-be");
  assert.equal(be?.language, "fr");
  assert.match(
    renderTemplate(be!, sampleData(TEMPLATE_SPECS.notice_of_default.variables)).body,
    /cinq \(5\) jours ouvrables/,
  );
  const nl = set.resolve("x2com-nl", "notice_of_default", ["fr", "nl"]);
  assert.equal(nl?.brand, null, "X2com NL has no override");
  assert.equal(nl?.language, "nl", "no French desk-wide template: the next language");
});

function operatorDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-templates-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test("an operator's folder overrides a file; every broken file is listed at start", async () => {
  const policies = await loadPolicyProfiles(PROFILES);
  const builtin = readFileSync(path.join(BUILTIN_TEMPLATES_DIR, "reminder.nl.md"), "utf8");
  const good = operatorDir({
    "extin/reminder.nl.md": builtin.replace("Herinnering:", "Tweede herinnering:"),
  });
  try {
    const set = await loadTemplates({ policies, operatorDir: good });
    assert.match(set.resolve("extin", "reminder", ["nl"])!.source, /abusedesk-templates-/);
    assert.doesNotMatch(set.resolve("webxtra", "reminder", ["nl"])!.source, /abusedesk-templates-/);
  } finally {
    rmSync(good, { recursive: true });
  }
  const bad = operatorDir({
    "notice.nl.md": file('party: customer\nsubject: "x"\nvariables: []', "{{ customer.name }}"),
    "extin/notice.en.md": file(
      'party: customer\nsubject: "x"\nvariables: [reporter.email]',
      "{{ reporter.email }}",
    ),
    "nobrand/notice.nl.md": builtin,
    "notice.klingon.md": "x",
  });
  try {
    await assert.rejects(loadTemplates({ policies, operatorDir: bad }), (err: unknown) => {
      assert.ok(err instanceof TemplatesBrokenError);
      const all = err.problems.join("\n");
      assert.match(all, /notice\.nl\.md: uses customer\.name but does not declare it/);
      assert.match(
        all,
        /extin\/notice\.en\.md: declares reporter\.email, but this brand's profile does not pass/,
      );
      assert.match(all, /nobrand is not a brand with a policy profile/);
      assert.match(all, /name it <template>\.<language>\.md/);
      return true;
    });
  } finally {
    rmSync(bad, { recursive: true });
  }
});

test("a profile that names a template that does not exist, or one for the reporter, stops the start", async () => {
  const policies = await loadPolicyProfiles(PROFILES);
  const extin = policies.get("extin")!;
  const broken = new Map<string, PolicyProfile>(policies);
  broken.set("extin", {
    ...extin,
    messages: { ...extin.messages, templates: { warn: "final_warning", suspend: "acknowledgement" } },
  });
  await assert.rejects(loadTemplates({ policies: broken }), (err: unknown) => {
    const all = (err as TemplatesBrokenError).problems.join("\n");
    assert.match(all, /names template "final_warning" for warn .* there is no final_warning\.<language>\.md/);
    assert.match(all, /names template "acknowledgement" for suspend, but it is written to the reporter/);
    return true;
  });
});
