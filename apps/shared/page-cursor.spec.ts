import { decodeCursor, decodeTimeIdCursor, decodeTimeTextCursor, encodeCursor, pageOf } from './page-cursor';

describe('page cursors', () => {
  it('round-trip the key of the last row', () => {
    expect(decodeCursor(encodeCursor(['learner-1']), 1)).toEqual(['learner-1']);
    const at = new Date('2026-11-30T12:00:00.123Z');
    expect(decodeTimeIdCursor(encodeCursor([at.toISOString(), '0b6f3c4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e']))).toEqual({ at, id: '0b6f3c4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e' });
    expect(decodeTimeTextCursor(encodeCursor([at.toISOString(), 'ada']))).toEqual({ at, text: 'ada' });
  });

  it.each([
    ['not base64url', 'a b'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', Buffer.from('{"a":1}').toString('base64url')],
    ['the wrong number of parts', encodeCursor(['a', 'b', 'c'])],
    ['a number inside', Buffer.from('[1,"x"]').toString('base64url')],
    ['an empty part', encodeCursor(['', 'x'])],
  ])('refuse %s', (_what, cursor) => {
    expect(decodeCursor(cursor, 2)).toBeNull();
  });

  it('refuse a time key that is not an ISO instant or an id that is not a UUID', () => {
    expect(decodeTimeIdCursor(encodeCursor(['yesterday', '0b6f3c4e-1d2a-4b5c-8d9e-0f1a2b3c4d5e']))).toBeNull();
    expect(decodeTimeIdCursor(encodeCursor(['2026-11-30T12:00:00.123Z', 'ada']))).toBeNull();
    expect(decodeTimeTextCursor(encodeCursor(['2026-13-45T12:00:00.123Z', 'ada']))).toBeNull();
  });

  it('give a next cursor only when there is a row beyond the page', () => {
    expect(pageOf([1, 2, 3], 3, (n) => [String(n)])).toEqual({ items: [1, 2, 3], nextCursor: null });
    expect(pageOf([1, 2, 3, 4], 3, (n) => [String(n)])).toEqual({ items: [1, 2, 3], nextCursor: encodeCursor(['3']) });
  });
});
