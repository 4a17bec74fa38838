#!/usr/bin/env node
// Builds the console (web/) into web/dist with Vite. `npm install` runs it (prepare); `npm start` runs it with
// --if-needed, which builds only when a source is newer than the build. Without Vite (an install without the
// development dependencies) it says so and leaves the desk to serve a page that explains it.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "web");
const built = path.join(root, "dist", "index.html");

/** The newest modification time among the console's sources (web/src, web/index.html, web/vite.config.ts). */
function newestSource() {
  const files = [path.join(root, "index.html"), path.join(root, "vite.config.ts")];
  for (const f of readdirSync(path.join(root, "src"), { recursive: true }))
    files.push(path.join(root, "src", String(f)));
  return Math.max(...files.filter((f) => existsSync(f)).map((f) => statSync(f).mtimeMs));
}

if (process.argv.includes("--if-needed") && existsSync(built) && statSync(built).mtimeMs >= newestSource())
  process.exit(0);

let vite;
try {
  vite = await import("vite");
} catch {
  console.error(
    "the console is not built: Vite is missing (install with the development dependencies: npm install)",
  );
  process.exit(0);
}
const started = Date.now();
await vite.build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
console.log(`console built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
