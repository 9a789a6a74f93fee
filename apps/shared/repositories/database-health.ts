import type { Database } from '../database';

/** Whether the database answers: the health check's probe. */
export class DatabaseHealth {
  constructor(private readonly db: Database) {}

  /** The cheapest round trip; rejects when the database cannot be reached. */
  async ping(): Promise<void> {
    await this.db.$queryRaw`SELECT 1`;
  }
}
