/**
 * `npm run bench`: runs every benchmark, each in a process of its own so that memory figures are its own.
 * Names narrow the run: `npm run bench -- parsers resolution`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ALL = [
  "parsers",
  "resolution",
  "inventory",
  "intake",
  "feeds",
  "purge",
  "smtp",
  "cases",
  "audit",
  "measures",
  "messages",
  "console",
];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    console.error(`no benchmark bench/${name}.ts`);
    failed++;
    continue;
  }
  console.log(`\n== ${name} ==`);
  const res = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
