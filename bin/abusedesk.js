#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and a running desk.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli.ts");
await main();
