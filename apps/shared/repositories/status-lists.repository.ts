import { isValidCertificateSql } from '../certificate-validity.sql';
import type { Database } from '../database';

/** Bitstring status lists: which indexes are revoked. */
export class StatusListsRepository {
  constructor(private readonly db: Database) {}

  /** Whether any certificate was given an entry in this list. */
  async listExists(list: number): Promise<boolean> {
    const [{ exists }] = await this.db.$queryRaw<Array<{ exists: boolean }>>`SELECT EXISTS (SELECT 1 FROM certificates WHERE status_list = ${list}) AS exists`;
    return exists;
  }

  /** The list's indexes whose certificate no longer counts (isValidCertificateSql): the bits to set. */
  async revokedIndexes(list: number): Promise<number[]> {
    const rows = await this.db.$queryRaw<Array<{ index: number }>>`
      SELECT c.status_index AS index FROM certificates c
       WHERE c.status_list = ${list} AND c.jws IS NOT NULL AND NOT ${isValidCertificateSql('c')}`;
    return rows.map((r) => r.index);
  }
}
