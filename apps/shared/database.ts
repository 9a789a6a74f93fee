import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../prisma/generated/client';

export type Database = PrismaClient;

/** Prisma through the pg driver adapter: no native query engine (see README, "Migrations"). */
export function createDatabase(url: string, poolSize = 10): Database {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize });
  return new PrismaClient({ adapter });
}
