import { z } from 'zod';
import { decodeCursor, decodeTimeIdCursor, decodeTimeTextCursor } from '../../../shared/page-cursor';

/** Page sizes of every list: small by default, bounded so one answer never carries a whole course. */
export const PAGE_SIZE = { default: 50, max: 500 } as const;

export const limitQuery = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1)
  .max(PAGE_SIZE.max)
  .default(PAGE_SIZE.default);

/** A cursor query parameter read by `decode`; anything it does not recognise is a 400 naming the parameter. */
function cursorQuery<K>(decode: (cursor: string) => K | null) {
  return z
    .string()
    .optional()
    .transform((cursor, ctx) => {
      if (cursor === undefined || cursor === '') return undefined;
      const key = decode(cursor);
      if (key === null) {
        ctx.addIssue({ code: 'custom', message: 'not a cursor of this list: pass the nextCursor of the previous page' });
        return z.NEVER;
      }
      return key;
    });
}

export const learnerCursorQuery = cursorQuery((c) => decodeCursor(c, 1)?.[0] ?? null);
export const timeIdCursorQuery = cursorQuery(decodeTimeIdCursor);
export const timeTextCursorQuery = cursorQuery(decodeTimeTextCursor);

export const LIMIT_DOC = { name: 'limit', required: false, description: `At most this many items (1 to ${PAGE_SIZE.max}, default ${PAGE_SIZE.default}).` };
export const CURSOR_DOC = { name: 'cursor', required: false, description: 'The nextCursor of the previous page; omit for the first page.' };
