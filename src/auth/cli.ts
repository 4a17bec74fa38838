/**
 * The command line of people and tokens: `user list|reset-password|brands|reset-totp`, `token list|revoke`,
 * `totp status|require`, and `roles` (the route × role matrix). `user create` and `token create` are in
 * src/cli.ts.
 */
import { type Command, Option } from "commander";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import client from "prom-client";
import { ROUTES } from "../app.ts";
import type { CliContext } from "../command.ts";
import { loadConfig } from "../config.ts";
import type { Database } from "../db/schema.ts";
import { UserError } from "../errors.ts";
import { createLogger } from "../log.ts";
import { buildServer } from "../server.ts";
import {
  listTokens,
  listUsers,
  resetPassword,
  resetTotp,
  revokeToken,
  setTotpRequiredRoles,
  setUserBrands,
  totpRequiredRoles,
} from "./auth.store.ts";
import { matrixMarkdown, ROLES, roleMatrix } from "./roles.ts";

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "-");

/** Rows as aligned columns under a header. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}

export function userCommands(program: Command, user: Command, token: Command, ctx: CliContext): void {
  user
    .command("list")
    .description("console users: role, brands, TOTP, whether they still hold a one-time password")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await ctx.withDatabase(cmd, async (conn) => {
        const users = await listUsers(conn.db, ctx.actor);
        if (opts.json) return void process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
        process.stdout.write(
          table(
            ["ID", "E-MAIL", "ROLE", "BRANDS", "TOTP", "PASSWORD", "DISABLED"],
            users.map((u) => [
              String(u.id),
              u.email,
              u.role,
              u.brands ? u.brands.join(",") || "(none)" : "all",
              u.totp ? "on" : "off",
              u.must_change_password ? "one-time" : "own",
              when(u.disabled_at),
            ]),
          ),
        );
      });
    });

  user
    .command("reset-password")
    .description("give a user a new one-time password; they choose their own at the next sign-in")
    .requiredOption("--email <email>", "the user's e-mail address")
    .action(async (opts: { email: string }, cmd: Command) => {
      await ctx.withDatabase(cmd, async (conn) => {
        const result = await resetPassword(conn.db, ctx.actor, opts.email);
        if (!result.ok) throw new UserError(result.error.message);
        process.stdout.write(
          `${result.value.email} signs in once with this one-time password and then chooses their own; their sessions have ended:\n${result.value.password}\n`,
        );
      });
    });

  user
    .command("brands")
    .description("limit a user (and their tokens) to some brands, or give them every brand again")
    .requiredOption("--email <email>", "the user's e-mail address")
    .option("--brand <brand...>", "the brands the user may see")
    .option("--all", "every brand")
    .action(async (opts: { email: string; brand?: string[]; all?: boolean }, cmd: Command) => {
      if (Boolean(opts.all) === Boolean(opts.brand))
        throw new UserError("give --brand B [B...] to limit the user, or --all for every brand");
      await ctx.withDatabase(cmd, async (conn) => {
        const result = await setUserBrands(conn.db, ctx.actor, opts.email, opts.all ? null : opts.brand!);
        if (!result.ok) throw new UserError(result.error.message);
        const v = result.value;
        process.stdout.write(
          `${v.email} now sees ${v.brands ? `only ${v.brands.join(", ") || "no brand"}` : "every brand"}\n`,
        );
      });
    });

  user
    .command("reset-totp")
    .description("forget a user's authenticator (a lost phone); they enrol again at sign-in if required")
    .requiredOption("--email <email>", "the user's e-mail address")
    .action(async (opts: { email: string }, cmd: Command) => {
      await ctx.withDatabase(cmd, async (conn) => {
        const result = await resetTotp(conn.db, ctx.actor, opts.email);
        if (!result.ok) throw new UserError(result.error.message);
        process.stdout.write(
          `${result.value.email} has no TOTP authenticator now; their sessions have ended\n`,
        );
      });
    });

  token
    .command("list")
    .description("API tokens with their person, role, scope, brands and state (never the secret)")
    .option("--user <email>", "only this person's tokens")
    .addOption(
      new Option("--state <state>", "only tokens in this state").choices(["active", "expired", "revoked"]),
    )
    .option("--json", "print JSON")
    .action(
      async (
        opts: { user?: string; state?: "active" | "expired" | "revoked"; json?: boolean },
        cmd: Command,
      ) => {
        await ctx.withDatabase(cmd, async (conn) => {
          const items = [];
          let after: number | undefined;
          // Every page: the CLI is the operator's view of all tokens.
          for (let page = 0; page < 10_000; page++) {
            const result = await listTokens(conn.db, ctx.actor, { ...opts, after, limit: 500 });
            if (!result.ok) throw new UserError(result.error.message);
            items.push(...result.value.items);
            if (result.value.next === undefined) break;
            after = result.value.next;
          }
          if (opts.json) return void process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
          if (items.length === 0) return void process.stdout.write("no tokens\n");
          process.stdout.write(
            table(
              ["ID", "NAME", "PERSON", "ROLE", "SCOPE", "BRANDS", "STATE", "EXPIRES", "LAST USED"],
              items.map((t) => [
                String(t.id),
                t.name,
                t.user ?? "(service)",
                t.role,
                t.scope,
                t.brands ? t.brands.join(",") || "(none)" : t.user ? "person's" : "all",
                t.state,
                when(t.expires_at),
                when(t.last_used_at),
              ]),
            ),
          );
        });
      },
    );

  token
    .command("revoke")
    .description("revoke an API token at once (see `token list` for the id)")
    .argument("<id>", "the token's id")
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1)
        throw new UserError(`"${id}" is not a token id; \`abusedesk token list\` shows the ids`);
      await ctx.withDatabase(cmd, async (conn) => {
        const result = await revokeToken(conn.db, ctx.actor, n);
        if (!result.ok) throw new UserError(result.error.message, result.error.status === 404 ? 2 : 1);
        const v = result.value;
        process.stdout.write(
          `token ${v.id} "${v.name}" (${v.user ?? "service"}) is revoked; it no longer works\n`,
        );
      });
    });

  const totp = program.command("totp").description("two-step sign-in to the console (TOTP, RFC 6238)");
  totp
    .command("status")
    .description("which roles must sign in with a TOTP code")
    .action(async (_opts: unknown, cmd: Command) => {
      await ctx.withDatabase(cmd, async (conn) => {
        const roles = await totpRequiredRoles(conn.db);
        process.stdout.write(
          roles.length
            ? `TOTP is required for: ${roles.join(", ")}; optional for the other roles\n`
            : "TOTP is optional for every role\n",
        );
      });
    });
  totp
    .command("require")
    .description("require TOTP at sign-in for these roles (optional for the rest)")
    .option("--role <role...>", `roles: ${ROLES.join(", ")}`)
    .option("--none", "require it for no role")
    .action(async (opts: { role?: string[]; none?: boolean }, cmd: Command) => {
      if (Boolean(opts.none) === Boolean(opts.role))
        throw new UserError("give --role R [R...] to require TOTP for those roles, or --none");
      await ctx.withDatabase(cmd, async (conn) => {
        const result = await setTotpRequiredRoles(conn.db, ctx.actor, opts.role ?? []);
        if (!result.ok) throw new UserError(result.error.message);
        process.stdout.write(
          result.value.length
            ? `TOTP is now required for: ${result.value.join(", ")}; people of those roles without an authenticator set one up at their next sign-in\n`
            : "TOTP is now optional for every role\n",
        );
      });
    });

  program
    .command("roles")
    .description("the role matrix: every API route, the ability it needs and the roles that have it")
    .option("--markdown", "print a Markdown table")
    .action(async (opts: { markdown?: boolean }) => {
      const rows = await currentMatrix();
      if (opts.markdown) return void process.stdout.write(`${matrixMarkdown(rows)}\n`);
      process.stdout.write(
        table(
          ["ROUTE", "ABILITY", ...ROLES.map((r) => r.toUpperCase())],
          rows.map((r) => [
            `${r.method} ${r.path}`,
            r.ability,
            ...ROLES.map((role) => (r.roles.includes(role) ? "yes" : "-")),
          ]),
        ),
      );
    });
}

/** The matrix of this build's routes: the server is built in memory (no database, no port). */
async function currentMatrix() {
  const pool = new pg.Pool({ connectionString: "postgres://unused@127.0.0.1:1/unused" });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const app = await buildServer(
    {
      db,
      log: createLogger("silent"),
      config: loadConfig({}, {}),
      jobs: null,
      metrics: new client.Registry(),
      policies: new Map(),
      pipeline: { resolve: async () => [], group: async () => [] },
    },
    ROUTES,
  );
  try {
    await app.ready();
    return roleMatrix(app.swagger() as { paths?: Record<string, Record<string, unknown>> });
  } finally {
    await app.close();
    await pool.end();
  }
}
