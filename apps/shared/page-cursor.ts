/**
 * Keyset page cursors: the sort key of a page's last row, opaque to callers (base64url JSON), so a
 * list can change its key without breaking the links people keep.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside a cursor, or null when it is not one of ours with `parts` strings. */
export function decodeCursor(cursor: string, parts: number): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string' && k.length > 0 && k.length <= 255) ? (key as string[]) : null;
  } catch {
    return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A (timestamp, uuid) key, as the time-ordered lists use it; null when malformed. */
export function decodeTimeIdCursor(cursor: string): { at: Date; id: string } | null {
  const key = decodeCursor(cursor, 2);
  if (!key || !ISO.test(key[0]!) || !UUID.test(key[1]!)) return null;
  const at = new Date(key[0]!);
  return Number.isNaN(at.getTime()) ? null : { at, id: key[1]! };
}

/** A (timestamp, text) key; null when malformed. */
export function decodeTimeTextCursor(cursor: string): { at: Date; text: string } | null {
  const key = decodeCursor(cursor, 2);
  if (!key || !ISO.test(key[0]!)) return null;
  const at = new Date(key[0]!);
  return Number.isNaN(at.getTime()) ? null : { at, text: key[1]! };
}

/** The first `limit` rows and the cursor after the last of them; `rows` holds up to limit + 1. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => readonly string[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}
