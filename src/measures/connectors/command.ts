/**
 * The command connector: runs a program with its arguments (never through a shell), writes the call's
 * JSON to its standard input, and waits at most the time limit. Exit status 0 is done; anything else, or
 * running out of time (the program is then killed), is a failure that is retried. The program gets only
 * the environment the file gives it, so abusedesk's own secrets (DATABASE_URL) never reach it.
 */
import { spawn } from "node:child_process";
import type { CommandConfig } from "./config.ts";
import type { CallOutcome, CallRequest } from "./types.ts";
import { MAX_ANSWER_BYTES } from "./webhook.ts";

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/** What the program finds in its environment besides the file's `env`: the call's key and attempt. */
export const PASSED_TO_COMMANDS = ["ABUSEDESK_IDEMPOTENCY_KEY", "ABUSEDESK_ATTEMPT"] as const;

export function runCommand(config: CommandConfig, request: CallRequest): Promise<CallOutcome> {
  const [program, ...args] = config.command as [string, ...string[]];
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const keep = (had: string, chunk: Buffer) =>
      had.length >= MAX_ANSWER_BYTES ? had : (had + chunk.toString("utf8")).slice(0, MAX_ANSWER_BYTES);
    const child = spawn(program, args, {
      shell: false,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        PATH: DEFAULT_PATH,
        ...config.env,
        [PASSED_TO_COMMANDS[0]]: request.key,
        [PASSED_TO_COMMANDS[1]]: String(request.attempt),
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, config.timeout_seconds * 1000);
    child.stdout.on("data", (d: Buffer) => {
      stdout = keep(stdout, d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr = keep(stderr, d);
    });
    // A program that does not read its input closes the pipe; that is its business.
    child.stdin.on("error", () => {});
    child.stdin.end(request.body);
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        retry: err.code !== "ENOENT" && err.code !== "EACCES",
        error: `the command ${program} could not be started (${err.code ?? err.message}); check the path in the connectors file`,
      });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const answer = (stdout || stderr).trim();
      if (timedOut)
        resolve({
          ok: false,
          retry: true,
          error: `the command ${program} did not finish within ${config.timeout_seconds} s and was stopped`,
          answer,
        });
      else if (code === 0) resolve({ ok: true, answer });
      else
        resolve({
          ok: false,
          retry: true,
          status: code ?? undefined,
          error: `the command ${program} ${code !== null ? `exited with status ${code}` : `was stopped by ${signal}`}`,
          answer: (stderr || stdout).trim(),
        } as CallOutcome);
    });
  });
}
