/**
 * A small browser for tests of the server-rendered pages: it keeps cookies (as a browser would, by name),
 * does not follow redirects (tests look at them), and posts forms with their hidden CSRF field.
 */
import { createUser, SYSTEM, storeChosenPassword } from "../src/auth/auth.store.ts";
import type { Role } from "../src/auth/roles.ts";
import type { DB } from "../src/db/index.ts";

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  #keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const gone = attrs.some((a) => {
        const [k = "", v = ""] = a.trim().split("=");
        return (
          (k.toLowerCase() === "expires" && Date.parse(v) < Date.now()) ||
          (k.toLowerCase() === "max-age" && Number(v) <= 0)
        );
      });
      if (gone || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.#keep(
      await fetch(`${this.baseUrl}${path}`, {
        redirect: "manual",
        headers: { ...this.headers, cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.#keep(
      await fetch(`${this.baseUrl}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: {
          ...this.headers,
          "content-type": "application/x-www-form-urlencoded",
          cookie: this.cookieHeader(),
          ...headers,
        },
        body: new URLSearchParams(form),
      }),
    );
  }

  /** Opens a page and answers the value of its forms' hidden CSRF field. */
  async csrfOf(path: string): Promise<string> {
    const res = await this.get(path);
    const m = /name="csrf" value="([^"]+)"/.exec(await res.text());
    if (!m) throw new Error(`no CSRF field on ${path} (${res.status})`);
    return m[1]!;
  }

  /** Fills in the form of `path` (with its CSRF field) and posts it to `action`. */
  async submit(path: string, action: string, form: Record<string, string>): Promise<Response> {
    return this.post(action, { ...form, csrf: await this.csrfOf(path) });
  }

  /** Signs in with e-mail and password through the form; answers the last response. */
  async signIn(email: string, password: string): Promise<Response> {
    return this.submit("/login", "/login", { email, password });
  }

  /** The CSRF token the console sends in X-CSRF-Token (from the readable cookie). */
  csrfCookie(): string | undefined {
    const v = this.cookies.get("abusedesk_csrf");
    return v === undefined ? undefined : decodeURIComponent(v);
  }
}

/** A user with a password of their own (past the one-time password), for tests that sign in. */
export async function personWithPassword(
  db: DB,
  email: string,
  role: Role,
  password = "correct horse battery staple",
): Promise<{ id: number; email: string; password: string }> {
  const made = await createUser(db, SYSTEM, { email, role });
  if (!made.ok) throw new Error(made.error.message);
  await storeChosenPassword(db, made.value.id, password);
  return { id: made.value.id, email: made.value.email, password };
}
