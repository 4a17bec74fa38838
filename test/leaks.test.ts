import assert from "node:assert/strict";
import { test } from "node:test";
import { assertNoReporterIdentity } from "./leaks.ts";

const reporter = { name: "Jan de Vries", email: "jan.devries@brandprotect.example", org: "BrandProtect BV" };

test("the leak check finds the reporter's name, address, organisation and mailbox, in text and JSON", () => {
  assert.doesNotThrow(() => assertNoReporterIdentity("Dear customer, we received a complaint.", reporter));
  assert.throws(() => assertNoReporterIdentity("Reported by JAN DE VRIES", reporter), /names the reporter/);
  assert.throws(() => assertNoReporterIdentity({ from: "jan.devries@brandprotect.example" }, reporter));
  assert.throws(() => assertNoReporterIdentity("on behalf of BrandProtect BV", reporter));
  assert.throws(() => assertNoReporterIdentity("Reply-To: jan.devries@other.example", reporter), /mailbox/);
  assert.throws(() => assertNoReporterIdentity("anything", {}), /give the reporter's identity/);
});
