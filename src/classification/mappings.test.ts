import assert from "node:assert/strict";
import { test } from "node:test";
import client from "prom-client";
import { makeEvent } from "../parsers/common.ts";
import { applyMappingRules, type MappingRule, normalizeLabel, ruleFor, senderDomainOf } from "./mappings.ts";
import { MAX_LABEL_VALUE, UnknownLabelMetric } from "./metrics.ts";

const rules: MappingRule[] = [
  { id: 1, format: "*", label: "special", sender: null, category: "open_service" },
  { id: 2, format: "shadowserver", label: "special", sender: null, category: "botnet" },
  {
    id: 3,
    format: "shadowserver",
    label: "special",
    sender: "shadowserver.org",
    category: "compromised_server",
  },
  { id: 4, format: "xarf-v4", label: "connection/teleportation", sender: null, category: "port_scan" },
];

test("the most specific rule wins: format and sender, format, any format and sender, any format", () => {
  assert.equal(ruleFor(rules, "shadowserver", "shadowserver.org", "special")?.id, 3);
  assert.equal(ruleFor(rules, "shadowserver", "other.example", "special")?.id, 2);
  assert.equal(ruleFor(rules, "xarf-0.2", undefined, "special")?.id, 1);
  assert.equal(ruleFor(rules, "xarf-0.2", undefined, "unheard-of"), undefined);
  assert.equal(normalizeLabel("  Connection/Teleportation\n"), "connection/teleportation");
  assert.equal(senderDomainOf({ email: "Reports@LeakWatch.example" }), "leakwatch.example");
  assert.equal(senderDomainOf({ org: "no mail" }), undefined);
});

test("rules give unknown labels their category and kind; what no rule covers is counted per label", () => {
  const events = [
    makeEvent("other", { ip: "192.0.2.1" }, null, { source_category: "Connection/Teleportation" }),
    makeEvent("other", { ip: "192.0.2.2" }, null, { source_category: "never-heard" }),
    makeEvent("other", { ip: "192.0.2.3" }, null, { source_category: "never-heard" }),
    makeEvent("other", { ip: "192.0.2.4" }, null, {}),
    makeEvent("spam", { ip: "192.0.2.5" }, null, { source_category: "special" }),
  ];
  const unmapped = applyMappingRules(events, "xarf-v4", undefined, rules);
  assert.deepEqual(
    events.map((e) => [e.category, e.kind, e.details.mapped_by]),
    [
      ["port_scan", "abuse", 4],
      ["other", "abuse", undefined],
      ["other", "abuse", undefined],
      ["other", "abuse", undefined],
      ["spam", "abuse", undefined],
    ],
  );
  assert.deepEqual([...unmapped], [["never-heard", 2]]);
});

test("the unknown-label metric keeps a bounded number of series: a stranger cannot make unlimited ones", async () => {
  const registry = new client.Registry();
  const metric = new UnknownLabelMetric(registry, 3);
  metric.count("shadowserver", "shadowserver.org", "special", 5);
  metric.count("xarf-v4", "x.example", `a"b\n${"y".repeat(200)}`, 1);
  for (let i = 0; i < 50; i++) metric.count("arf", `sender${i}.example`, `label-${i}`, 1);
  const text = await registry.metrics();
  const series = text.split("\n").filter((l) => l.startsWith("abusedesk_unknown_labels_total{"));
  assert.equal(series.length, 4, series.join("\n"));
  assert.ok(
    series.includes(
      'abusedesk_unknown_labels_total{format="shadowserver",sender="shadowserver.org",label="special"} 5',
    ),
  );
  assert.ok(
    series.includes('abusedesk_unknown_labels_total{format="arf",sender="(other)",label="(other)"} 49'),
  );
  const cut = series.find((l) => l.includes('format="xarf-v4"'))!;
  assert.ok(/label="a_b_y+"/.test(cut) && /label="([^"]*)"/.exec(cut)![1]!.length === MAX_LABEL_VALUE, cut);
});

test("subjects as a person writes them when classifying a triage report", async () => {
  const { subjectFromText } = await import("./classify.ts");
  assert.deepEqual(subjectFromText("192.0.2.1"), { ip: "192.0.2.1" });
  assert.deepEqual(subjectFromText("192.0.2.1:25"), { ip: "192.0.2.1", port: 25 });
  assert.deepEqual(subjectFromText("[2001:db8::1]:443"), { ip: "2001:db8::1", port: 443 });
  assert.deepEqual(subjectFromText("https://shop.example/login"), { url: "https://shop.example/login" });
  assert.deepEqual(subjectFromText("Spammer@Shop.Example"), { email: "spammer@shop.example" });
  assert.deepEqual(subjectFromText("+31 20 123 4567"), { phone: "+31201234567" });
  assert.deepEqual(subjectFromText("shop.example"), { domain: "shop.example" });
  for (const bad of ["not a host", "999.1.1.1:99999", "", "http://", "<script>"])
    assert.equal(subjectFromText(bad), undefined, bad);
});
