import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ConnectorsFileError, parseConnectorsFile } from "./config.ts";
import { Connectors, loadConnectors } from "./index.ts";

const env = (vars: Record<string, string>) => (name: string) =>
  Object.hasOwn(vars, name) ? vars[name] : undefined;

const GOOD = `connectors:
  - id: hosting-panel
    type: webhook
    url: https://panel.example/hooks/abuse
    secret: \${PANEL_SECRET}
    brands: [extin]
    steps: [suspend, terminate, block]
  - id: everyone-block
    type: rpz
    path: /var/lib/abusedesk/blocked.rpz
    zone: rpz.example
    steps: [block]
    reload: [rndc, reload, rpz.example]
  - id: blackhole
    type: nullroute
    path: /etc/bird/abusedesk.conf
    format: bird
    steps: [suspend]
  - id: script
    type: command
    command: [/usr/local/bin/remove-content, --quiet]
    steps: [remove_content]
    env: { PANEL_TOKEN: "t-\${PANEL_SECRET}" }
`;

test("the issue's example file loads, with secrets from the environment and defaults filled in", () => {
  const parsed = parseConnectorsFile(
    GOOD,
    "connectors.yaml",
    env({ PANEL_SECRET: "s3cret-of-sixteen-chars" }),
  );
  assert.ok(parsed.ok, parsed.ok ? "" : JSON.stringify(parsed.problems));
  const [panel, rpz, nullroute, script] = parsed.value.connectors;
  assert.equal(panel?.type === "webhook" && panel.secret, "s3cret-of-sixteen-chars");
  assert.equal(panel?.timeout_seconds, 10);
  assert.deepEqual(panel?.retry, { attempts: 5, backoff_seconds: 5, max_backoff_seconds: 3600 });
  assert.equal(rpz?.type === "rpz" && rpz.policy, "nxdomain");
  assert.equal(nullroute?.type === "nullroute" && nullroute.communities[0], "65535:666");
  assert.equal(script?.type === "command" && script.env.PANEL_TOKEN, "t-s3cret-of-sixteen-chars");

  // The brand's own connector wins; others get the one for every brand; referral has none.
  const connectors = Connectors.from(parsed.value);
  assert.equal(connectors.forStep("extin", "block")?.id, "hosting-panel");
  assert.equal(connectors.forStep("webxtra", "block")?.id, "everyone-block");
  assert.equal(connectors.forStep("webxtra", "suspend")?.id, "blackhole");
  assert.equal(connectors.forStep("extin", "downgrade"), undefined);
  assert.equal(connectors.forStep("extin", "refer_to_authority"), undefined);
  assert.equal(connectors.leaseSeconds("hosting-panel"), 15);
});

test("every problem is reported with the file, the line and what to do", () => {
  const bad = `connectors:
  - id: panel
    type: webhook
    url: ftp://panel.example/x
    secret: \${MISSING_SECRET}
    steps: [suspend]
  - id: panel
    type: dns
    steps: [block]
  - id: other
    type: webhook
    url: https://other.example/
    secret: short
    steps: [provide_data]
    colour: blue
`;
  const envProblem = parseConnectorsFile(bad, "c.yaml", env({}));
  assert.ok(!envProblem.ok);
  assert.deepEqual(
    envProblem.problems.map((p) => `${p.line}:${p.message}`),
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the connectors file's own ${NAME} syntax
      "5:the environment variable MISSING_SECRET is not set (the file refers to ${MISSING_SECRET}); export it before starting abusedesk",
    ],
  );
  const parsed = parseConnectorsFile(bad, "c.yaml", env({ MISSING_SECRET: "long-enough-secret-1234" }));
  assert.ok(!parsed.ok);
  const lines = parsed.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`);
  assert.ok(
    lines.includes("c.yaml:4: connectors[0].url: use an http:// or https:// address"),
    lines.join("\n"),
  );
  assert.ok(
    lines.some((l) => /^c\.yaml:8: connectors\[1\]\.type: .*webhook, command, rpz, nullroute/.test(l)),
    lines.join("\n"),
  );
  assert.ok(
    lines.includes(
      "c.yaml:13: connectors[2].secret: use a secret of at least 16 characters (the HMAC-SHA256 key)",
    ),
    lines.join("\n"),
  );
  assert.ok(
    lines.includes(
      'c.yaml:14: connectors[2].steps[0]: "provide_data" is not allowed here; use one of: suspend, block, remove_content, downgrade, terminate',
    ),
    lines.join("\n"),
  );
  assert.ok(
    lines.includes(
      'c.yaml:15: connectors[2].colour: unknown field "colour"; check the spelling (see docs/measures.md)',
    ),
    lines.join("\n"),
  );
});

test("two connectors for one brand and step, or one id twice, are refused", () => {
  const twice = `connectors:
  - { id: a, type: command, command: [/bin/true], steps: [block], brands: [extin, webxtra] }
  - { id: b, type: command, command: [/bin/true], steps: [suspend, block], brands: [webxtra] }
  - { id: a, type: command, command: [/bin/true], steps: [terminate] }
`;
  const parsed = parseConnectorsFile(twice, "c.yaml", env({}));
  assert.ok(!parsed.ok);
  const messages = parsed.problems.map((p) => `${p.line}: ${p.message}`);
  assert.ok(messages.includes('4: id "a" is used twice'), messages.join("\n"));
  assert.ok(
    messages.includes(
      '3: connector "a" already carries out block for brand webxtra; give each step of a brand one connector',
    ),
    messages.join("\n"),
  );
  const notYaml = parseConnectorsFile("connectors: [\n  - id: x", "c.yaml", env({}));
  assert.ok(!notYaml.ok);
  assert.match(notYaml.problems[0]!.message, /^not valid YAML/);
});

test("loading: no file means no connectors; a missing or broken file stops start-up with its problems", async () => {
  assert.equal((await loadConnectors(undefined, env({}))).list.length, 0);
  const dir = mkdtempSync(path.join(tmpdir(), "abusedesk-connectors-"));
  try {
    await assert.rejects(loadConnectors(path.join(dir, "nope.yaml"), env({})), (err: Error) => {
      assert.ok(err instanceof ConnectorsFileError);
      assert.match(err.message, /nope\.yaml:1:1: cannot read it \(ENOENT\); check ABUSEDESK_CONNECTORS/);
      return true;
    });
    const file = path.join(dir, "c.yaml");
    writeFileSync(file, "connectors:\n  - id: x\n    type: rpz\n    steps: [block]\n");
    await assert.rejects(
      loadConnectors(file, env({})),
      /c\.yaml:2:5: connectors\[0\]\.path: "path" is required/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
