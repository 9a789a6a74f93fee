/**
 * JSON.parse that refuses duplicate member names: two parsers reading the same token must never
 * see different values ({"iss":"a","iss":"b"}), so a duplicate makes the whole token invalid.
 */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate member "${key}"`);
  }
}

export class JsonTooDeepError extends SyntaxError {
  constructor(readonly limit: number) {
    super(`nested deeper than ${limit} levels`);
  }
}

/** Deeper nesting is refused: a credential is a few levels deep, and recursion must stay bounded. */
export const MAX_JSON_DEPTH = 32;
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** One pass over the text; every step is linear in what it reads, and nesting is bounded. */
export function parseStrictJson(text: string): unknown {
  let i = 0;
  let depth = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i}`);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    ws();
    const ch = text[i];
    if ((ch === '{' || ch === '[') && ++depth > MAX_JSON_DEPTH) throw new JsonTooDeepError(MAX_JSON_DEPTH);
    if (ch === '{') {
      i++;
      const object: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        depth--;
        return object;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a member name');
        const key = string();
        if (seen.has(key)) throw new DuplicateKeyError(key);
        seen.add(key);
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        Object.defineProperty(object, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          depth--;
          return object;
        }
        fail('expected "," or "}"');
      }
    }
    if (ch === '[') {
      i++;
      const array: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        depth--;
        return array;
      }
      for (;;) {
        array.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          depth--;
          return array;
        }
        fail('expected "," or "]"');
      }
    }
    if (ch === '"') return string();
    LITERAL.lastIndex = i;
    const literal = LITERAL.exec(text);
    if (!literal) fail('unexpected token');
    const token = literal![0];
    i += token.length;
    return token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : Number(token);
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}
