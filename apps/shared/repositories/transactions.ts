import type { Prisma } from '../../../prisma/generated/client';
import type { Database } from '../database';
import { createRepositories, type Repositories } from './index';

/** A whole file import reads the file while its transaction is open: seconds, not the default 5 s. */
const FILE_TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/**
 * Runs several repository calls as one transaction: the repositories handed to `work` write
 * through it, and the transactions they open themselves join it, so everything commits together
 * or, when `work` throws, nothing does.
 */
export class Transactions {
  constructor(private readonly db: Database) {}

  async inOneTransaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T> {
    return this.db.$transaction((tx) => work(createRepositories(joining(tx))), FILE_TRANSACTION);
  }
}

/** The transaction's client, seen as a Database whose own `$transaction` runs inside it. */
function joining(tx: Prisma.TransactionClient): Database {
  const scoped: Database = new Proxy(tx, {
    get(target, key) {
      if (key === '$transaction') return join;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as Database;
  async function join(work: unknown): Promise<unknown> {
    if (typeof work === 'function') return (work as (client: Database) => Promise<unknown>)(scoped);
    // The batch form: its queries already run on the transaction's connection, one after another.
    const results: unknown[] = [];
    for (const query of work as Array<Promise<unknown>>) results.push(await query);
    return results;
  }
  return scoped;
}
