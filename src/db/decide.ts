/**
 * A transaction that commits only when the use case answers ok: a failure it returns (a 404, a 409, a
 * rule that says no) rolls back whatever it wrote before it found out.
 */
import type { Transaction } from "kysely";
import type { Result } from "../errors.ts";
import type { DB } from "./index.ts";
import type { Database } from "./schema.ts";

class Refused<T> extends Error {
  constructor(readonly result: Result<T>) {
    super("the use case answered a failure; its transaction is rolled back");
  }
}

export async function decide<T>(
  db: DB,
  fn: (trx: Transaction<Database>) => Promise<Result<T>>,
): Promise<Result<T>> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await fn(trx);
      if (!result.ok) throw new Refused(result);
      return result;
    });
  } catch (err) {
    if (err instanceof Refused) return err.result as Result<T>;
    throw err;
  }
}
