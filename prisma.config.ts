import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// The CLI talks to PostgreSQL through the same driver adapter as the service, so no
// native engine binary is needed (see README, "Migrations").
export default defineConfig({
  experimental: { adapter: true },
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  engine: 'js',
  adapter: async () => {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error('DATABASE_URL must be set for Prisma CLI commands');
    // allowExitOnIdle: the CLI exits as soon as it is done instead of waiting for idle connections to time out.
    return new PrismaPg({ connectionString, allowExitOnIdle: true, idleTimeoutMillis: 50 });
  },
});
