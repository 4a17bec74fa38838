/**
 * Signing in to the console, as a story: the password; then, as the person's account needs, a TOTP code,
 * a password of their own (after a one-time password: issue 15), and enrolling an authenticator (when
 * their role requires TOTP). Between the steps the sign-in is a short-lived challenge whose secret sits in
 * an HttpOnly cookie; only when every step is done does it become a session.
 */
import { sql, type Transaction } from "kysely";
import { appendAudit } from "../audit.ts";
import type { DB } from "../db/index.ts";
import type { Database, User } from "../db/schema.ts";
import { pgText } from "../db/text.ts";
import { type Failure, ok, type Result } from "../errors.ts";
import { type Actor, startSession, storeChosenPassword, totpRequiredRoles } from "./auth.store.ts";
import { newSecret, passwordWeakness, sha256Hex, verifyPassword, type Weakness } from "./passwords.ts";
import { checkTotp, newTotpSecret, totpUri } from "./totp.ts";

/** How long a half-done sign-in waits for its next step. */
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;
/** Wrong codes one sign-in may take before it is void (the rate limits bound the rest). */
export const MAX_CODE_FAILURES = 5;

export type SignInStep = "totp" | "new_password" | "enrol_totp";

export type SignInNext =
  | { kind: "session"; sessionToken: string; expiresAt: Date; actor: Actor }
  | { kind: "step"; step: SignInStep; challenge: string; expiresAt: Date };

type Trx = Transaction<Database>;

/** What went wrong, for the page to say in the reader's language; `message` says it in English. */
export type SignInProblem =
  | "wrong_password"
  | "expired"
  | "wrong_code"
  | "too_many_codes"
  | "passwords_differ"
  | "one_time_password"
  | "same_password"
  | "wrong_current_password"
  | "totp_on"
  | Weakness;

export interface SignInFailure extends Failure {
  problem: SignInProblem;
}

function refuse(
  status: Failure["status"],
  problem: SignInProblem,
  message: string,
): Result<never, SignInFailure> {
  return { ok: false, error: { status, message, problem } };
}

/** A hash to verify against when there is no such user: the same answer and about the same work. */
const NO_USER_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** The step a person still has to take, or null when they may have their session. */
export function nextStep(
  user: Pick<User, "totp_secret" | "must_change_password" | "role">,
  totpVerified: boolean,
  totpRequired: boolean,
): SignInStep | null {
  // The second factor first: a one-time password from an admin alone does not let anyone choose a password.
  if (user.totp_secret !== null && !totpVerified) return "totp";
  if (user.must_change_password) return "new_password";
  if (totpRequired && user.totp_secret === null) return "enrol_totp";
  return null;
}

async function advance(trx: Trx, user: User, challengeHash: string | null, totpVerified: boolean) {
  const required = (await totpRequiredRoles(trx)).includes(user.role);
  const step = nextStep(user, totpVerified, required);
  if (step === null) {
    if (challengeHash) await trx.deleteFrom("sign_in_challenges").where("id", "=", challengeHash).execute();
    const s = await startSession(trx, user, totpVerified ? "totp" : "none");
    return { kind: "session", ...s } as const;
  }
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  if (challengeHash) {
    // The challenge keeps its secret (the cookie the browser holds); only its state moves on.
    await trx
      .updateTable("sign_in_challenges")
      .set({ totp_verified: totpVerified, expires_at: expiresAt, failures: 0 })
      .where("id", "=", challengeHash)
      .execute();
    return { kind: "step", step, challenge: "", expiresAt } as const;
  }
  const challenge = newSecret("");
  await trx
    .insertInto("sign_in_challenges")
    .values({
      id: sha256Hex(challenge),
      user_id: user.id,
      totp_verified: totpVerified,
      expires_at: expiresAt,
    })
    .execute();
  // Old, abandoned sign-ins go as new ones come.
  await trx.deleteFrom("sign_in_challenges").where("expires_at", "<", new Date()).execute();
  return { kind: "step", step, challenge, expiresAt } as const;
}

/** The first step: e-mail address and password. */
export async function signIn(
  db: DB,
  email: string,
  password: string,
): Promise<Result<SignInNext, SignInFailure>> {
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", pgText(email.trim().toLowerCase()))
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  const valid = await verifyPassword(password, user?.password_hash ?? NO_USER_HASH);
  if (!user || !valid) return refuse(401, "wrong_password", "wrong e-mail address or password");
  return ok(await db.transaction().execute((trx) => advance(trx, user, null, false)));
}

export interface ChallengeState {
  step: SignInStep;
  email: string;
  /** For enrol_totp: the secret to enter into an authenticator app, and its otpauth:// URI. */
  secret?: string;
  uri?: string;
}

async function loadChallenge(db: DB | Trx, challenge: string) {
  return db
    .selectFrom("sign_in_challenges as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .selectAll("u")
    .select(["c.id as challenge_id", "c.totp_verified", "c.failures"])
    .where("c.id", "=", sha256Hex(challenge))
    .where("c.expires_at", ">", new Date())
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
}

const expired = () =>
  refuse(
    401,
    "expired",
    "this sign-in has expired or was already used; sign in again with your e-mail address",
  );

/** Where a half-done sign-in stands (for the page of its step); enrolment gets its secret here. */
export async function challengeState(
  db: DB,
  challenge: string,
): Promise<Result<ChallengeState, SignInFailure>> {
  return db.transaction().execute(async (trx) => {
    const row = await loadChallenge(trx, challenge);
    if (!row) return expired();
    const required = (await totpRequiredRoles(trx)).includes(row.role);
    const step = nextStep(row, row.totp_verified, required);
    if (step === null) return expired();
    if (step !== "enrol_totp") return ok({ step, email: row.email });
    const secret = await pendingSecret(trx, row);
    return ok({ step, email: row.email, secret, uri: totpUri(secret, row.email) });
  });
}

/** The secret being enrolled: made once, kept until it is confirmed (so a reload shows the same one). */
async function pendingSecret(trx: Trx, user: Pick<User, "id" | "totp_pending_secret">): Promise<string> {
  if (user.totp_pending_secret) return user.totp_pending_secret;
  const secret = newTotpSecret();
  await trx.updateTable("users").set({ totp_pending_secret: secret }).where("id", "=", user.id).execute();
  return secret;
}

/** A wrong code: counted, and past MAX_CODE_FAILURES the sign-in is void. */
async function wrongCode(trx: Trx, challengeId: string, failures: number, what: string) {
  if (failures + 1 >= MAX_CODE_FAILURES) {
    await trx.deleteFrom("sign_in_challenges").where("id", "=", challengeId).execute();
    return refuse(
      401,
      "too_many_codes",
      `${what}; that was too many wrong codes, so sign in again from the start`,
    );
  }
  await trx
    .updateTable("sign_in_challenges")
    .set({ failures: sql`failures + 1` })
    .where("id", "=", challengeId)
    .execute();
  return refuse(401, "wrong_code", `${what}; check the time on your phone and type the code it shows now`);
}

export interface StepInput {
  code?: string | undefined;
  password?: string | undefined;
  confirm?: string | undefined;
}

/** The next step of a half-done sign-in, with what its form sent. */
export async function continueSignIn(
  db: DB,
  challenge: string,
  input: StepInput,
): Promise<Result<SignInNext, SignInFailure>> {
  return db.transaction().execute(async (trx): Promise<Result<SignInNext, SignInFailure>> => {
    const row = await loadChallenge(trx, challenge);
    if (!row) return expired();
    await trx.selectFrom("users").select("id").where("id", "=", row.id).forUpdate().executeTakeFirst();
    const required = (await totpRequiredRoles(trx)).includes(row.role);
    const step = nextStep(row, row.totp_verified, required);
    const { challenge_id: challengeId, totp_verified: _v, failures, ...user } = row;
    if (step === null) return expired();
    if (step === "totp") {
      const checked = checkTotp(user.totp_secret!, input.code ?? "", user.totp_last_step);
      if (!checked.ok) return wrongCode(trx, challengeId, failures, "that code is not the right one");
      await trx
        .updateTable("users")
        .set({ totp_last_step: checked.step })
        .where("id", "=", user.id)
        .execute();
      return ok(await advance(trx, { ...user, totp_last_step: checked.step }, challengeId, true));
    }
    if (step === "new_password") {
      const password = input.password ?? "";
      if (password !== (input.confirm ?? ""))
        return refuse(422, "passwords_differ", "the two passwords differ; type the same new password twice");
      const weak = passwordWeakness(password, user.email);
      if (weak) return refuse(422, weak.code, weak.message);
      if (await verifyPassword(password, user.password_hash))
        return refuse(
          422,
          "one_time_password",
          "that is the one-time password; choose a password of your own",
        );
      await storeChosenPassword(trx, user.id, password);
      await appendAudit(trx, {
        actor: user.email,
        action: "user.password",
        subjectType: "user",
        subjectId: user.id,
        details: { after: "one-time password" },
      });
      return ok(await advance(trx, { ...user, must_change_password: false }, challengeId, row.totp_verified));
    }
    // enrol_totp
    const secret = await pendingSecret(trx, user);
    const checked = checkTotp(secret, input.code ?? "", null);
    if (!checked.ok)
      return wrongCode(trx, challengeId, failures, "that code does not belong to the secret shown");
    await enrol(trx, user, secret, checked.step);
    return ok(await advance(trx, { ...user, totp_secret: secret }, challengeId, true));
  });
}

async function enrol(trx: Trx, user: Pick<User, "id" | "email">, secret: string, step: number) {
  await trx
    .updateTable("users")
    .set({ totp_secret: secret, totp_pending_secret: null, totp_last_step: step })
    .where("id", "=", user.id)
    .execute();
  await appendAudit(trx, {
    actor: user.email,
    action: "user.totp_enrol",
    subjectType: "user",
    subjectId: user.id,
  });
}

/** A signed-in person's own account: whether TOTP is on, and whether their role requires it. */
export async function accountState(
  db: DB,
  userId: number,
): Promise<{ email: string; totp: boolean; totpRequired: boolean; secret?: string; uri?: string }> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
    const totpRequired = (await totpRequiredRoles(trx)).includes(user.role);
    if (user.totp_secret !== null) return { email: user.email, totp: true, totpRequired };
    const secret = await pendingSecret(trx, user);
    return { email: user.email, totp: false, totpRequired, secret, uri: totpUri(secret, user.email) };
  });
}

/** A signed-in person turns TOTP on: the code from their app proves it holds the secret shown. */
export async function enrolTotp(db: DB, userId: number, code: string): Promise<Result<true, SignInFailure>> {
  return db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom("users")
      .selectAll()
      .where("id", "=", userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (user.totp_secret !== null) return refuse(409, "totp_on", "TOTP is on already for your account");
    if (!user.totp_pending_secret)
      return refuse(409, "expired", "open the account page again to get a secret first");
    const checked = checkTotp(user.totp_pending_secret, code, null);
    if (!checked.ok)
      return refuse(
        422,
        "wrong_code",
        "that code does not belong to the secret shown; type the code your app shows now",
      );
    await enrol(trx, user, user.totp_pending_secret, checked.step);
    return ok(true);
  });
}

/** A signed-in person changes their password: the current one proves it is them. */
export async function changePassword(
  db: DB,
  userId: number,
  input: { current: string; password: string; confirm: string },
): Promise<Result<true, SignInFailure>> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(input.current, user.password_hash)))
    return refuse(
      422,
      "wrong_current_password",
      "the current password is not right; type the one you signed in with",
    );
  if (input.password !== input.confirm)
    return refuse(422, "passwords_differ", "the two new passwords differ; type the same new password twice");
  const weak = passwordWeakness(input.password, user.email);
  if (weak) return refuse(422, weak.code, weak.message);
  if (input.password === input.current)
    return refuse(422, "same_password", "the new password is the current one; choose another");
  await db.transaction().execute(async (trx) => {
    await storeChosenPassword(trx, user.id, input.password);
    await appendAudit(trx, {
      actor: user.email,
      action: "user.password",
      subjectType: "user",
      subjectId: user.id,
      details: { after: "change" },
    });
  });
  return ok(true);
}
