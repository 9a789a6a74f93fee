import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaClient, type Prisma } from '../../prisma/generated/client';

export type Database = PrismaClient;

/** The pg pool under each client createDatabase made; a transaction's client has none. */
const pools = new WeakMap<object, Pool>();

/** Prisma through the pg driver adapter: no native query engine (see README, "Migrations"). */
export function createDatabase(url: string, poolSize = 10): Database {
  const pool = new Pool({ connectionString: url, max: poolSize });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(db, pool);
  const disconnect = db.$disconnect.bind(db);
  db.$disconnect = async () => {
    await disconnect();
    if (!pool.ended) await pool.end();
  };
  return db;
}

/*
 * Bulk statements: the few that carry hundreds of rows each way (issuance's batches). Prisma
 * converts every value of every row on the way in and out, about ten times the driver's own CPU
 * (16 ms against 1.6 ms for 250 certificates, in the worker's one thread), so these run on the
 * same pool straight through pg. They are written as Prisma.sql templates all the same, and their
 * columns are text, int4, float8 and bool only, which both paths return alike. Inside a
 * transaction's client they go through Prisma, and so join the transaction.
 */

/** The rows of a bulk statement. */
export async function bulkRows<T>(db: Database, query: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  return (await pool.query(query.text, query.values)).rows as T[];
}

/** Runs bulk statements in one transaction, in order; the rows of each. */
export async function bulkTransaction(db: Database, queries: Prisma.Sql[]): Promise<unknown[][]> {
  const pool = pools.get(db);
  if (!pool) return db.$transaction(queries.map((q) => db.$queryRaw<unknown[]>(q)));
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const results: unknown[][] = [];
    for (const q of queries) results.push((await client.query(q.text, q.values)).rows);
    await client.query('COMMIT');
    return results;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
