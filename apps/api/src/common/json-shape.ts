/** Request bodies nest a few levels; deeper JSON is refused before JSON.parse builds it. */
export const MAX_JSON_BODY_DEPTH = 32;
/** No request object has more than a few dozen members; many rows go in arrays, bounded by the schemas. */
export const MAX_JSON_OBJECT_MEMBERS = 1000;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** An error body-parser passes on with its status, and the ErrorFilter answers as such. */
export class JsonBodyShapeError extends Error {
  readonly status = 400;
  constructor(
    readonly type: 'json_too_deep' | 'json_too_many_members',
    message: string,
  ) {
    super(message);
  }
}

/**
 * body-parser's `verify` hook for JSON: one pass over the raw bytes, counting brackets and members
 * outside strings. JSON.parse takes most of a second over a body of a million nested brackets or
 * a single object of 200,000 members; this refuses them in milliseconds, before parsing.
 */
export function checkJsonShape(_req: unknown, _res: unknown, body: Buffer): void {
  // Members seen so far in the object open at each depth (arrays count nothing).
  const members = new Int32Array(MAX_JSON_BODY_DEPTH + 1);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > MAX_JSON_BODY_DEPTH) throw new JsonBodyShapeError('json_too_deep', `the JSON body is nested deeper than ${MAX_JSON_BODY_DEPTH} levels`);
      members[depth] = 0;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth = Math.max(0, depth - 1);
    else if (byte === COLON && ++members[depth] > MAX_JSON_OBJECT_MEMBERS) {
      throw new JsonBodyShapeError('json_too_many_members', `a JSON object in the body has more than ${MAX_JSON_OBJECT_MEMBERS} members`);
    }
  }
}
