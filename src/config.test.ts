import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadConfig, operatorName, SETTING_NAMES, secretFromEnvironment } from "./config.ts";
import { PASSED_TO_COMMANDS } from "./measures/connectors/command.ts";

const SRC = path.dirname(fileURLToPath(import.meta.url));
const sources = () =>
  readdirSync(SRC, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => ({ file: f, text: readFileSync(path.join(SRC, f), "utf8") }));

test("every environment variable is read through the validated config (src/config.ts), nowhere else", () => {
  const readers = sources()
    .filter(({ file, text }) => file !== "config.ts" && /\bprocess\.env\b/.test(text))
    .map(({ file }) => file);
  assert.deepEqual(readers, []);
  // And every ABUSEDESK_* name the code mentions is a setting of the config, documented for operators.
  const known = new Set(Object.values(SETTING_NAMES).map((n) => n.env));
  const docs = readFileSync(new URL("../docs/operations.md", import.meta.url), "utf8");
  for (const { file, text } of sources()) {
    for (const [name] of text.matchAll(/\bABUSEDESK_[A-Z_]+\b/g)) {
      // Variables abusedesk sets for the programs it runs (a command connector), not settings it reads.
      if ((PASSED_TO_COMMANDS as readonly string[]).includes(name)) continue;
      assert.ok(known.has(name), `${file} names ${name}, which src/config.ts does not read`);
      assert.ok(docs.includes(name), `${name} is not in docs/operations.md`);
    }
  }
});

test("each setting comes from its flag, else its environment variable, else the command's default", () => {
  const env = {
    ABUSEDESK_LOG_LEVEL: "debug",
    ABUSEDESK_LOG_FORMAT: "json",
    ABUSEDESK_INTAKE_WORKERS: "4",
    ABUSEDESK_MAX_EVENTS_PER_REPORT: "1000",
    ABUSEDESK_DEADLINE_SWEEP_SECONDS: "0.5",
    ABUSEDESK_SMTP_MAX_CLIENTS: "7",
    ABUSEDESK_RDAP_URL: " https://rdap.example/ ",
    ABUSEDESK_IMAP_CONFIG: "/etc/abusedesk/imap.json",
  };
  const c = loadConfig({}, env, { logLevel: "warn" });
  assert.equal(c.logLevel, "debug");
  assert.equal(c.logFormat, "json");
  assert.equal(c.intakeWorkers, 4);
  assert.equal(c.maxEventsPerReport, 1000);
  assert.equal(c.deadlineSweepSeconds, 0.5);
  assert.equal(c.smtpMaxClients, 7);
  assert.equal(c.rdapUrl, "https://rdap.example/");
  assert.equal(c.imapConfig, "/etc/abusedesk/imap.json");
  assert.equal(loadConfig({ logLevel: "error" }, env).logLevel, "error");
  assert.equal(loadConfig({}, {}, { logLevel: "warn" }).logLevel, "warn");
  assert.equal(loadConfig({}, {}).logFormat, "auto");
  assert.equal(loadConfig({}, {}).maxEventsPerReport, 500_000);
});

test("a bad setting is refused in a sentence naming its flag and variable", () => {
  assert.throws(
    () => loadConfig({}, { ABUSEDESK_INTAKE_WORKERS: "many" }),
    /^UserError: configuration: the setting `ABUSEDESK_INTAKE_WORKERS` must be a number, not a text$/,
  );
  assert.throws(
    () => loadConfig({}, { ABUSEDESK_SMTP_TLS_KEY: "/etc/key.pem" }),
    /STARTTLS needs both ABUSEDESK_SMTP_TLS_KEY and ABUSEDESK_SMTP_TLS_CERT/,
  );
  assert.throws(
    () => loadConfig({ logFormat: "xml" }, {}),
    /the setting `--log-format \/ ABUSEDESK_LOG_FORMAT` must be one of auto, pretty or json, not "xml"/,
  );
});

test("secrets named by a file and the operator's name come from the environment, through here", () => {
  assert.equal(secretFromEnvironment("IMAP_PASS", { IMAP_PASS: "s3cret" }), "s3cret");
  assert.equal(secretFromEnvironment(undefined, { IMAP_PASS: "s3cret" }), undefined);
  assert.equal(operatorName({ USER: "alice" }), "alice");
  assert.equal(operatorName({}), "unknown");
});
