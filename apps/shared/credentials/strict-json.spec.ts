import { DuplicateKeyError, JsonTooDeepError, MAX_JSON_DEPTH, parseStrictJson } from './strict-json';

describe('parseStrictJson', () => {
  it('reads what JSON.parse reads', () => {
    const text = '{"a":[1,-2.5e3,true,null,{"b":"c\\"d\\u00e9"}],"e":{}}';
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it('refuses duplicate members at any depth', () => {
    expect(() => parseStrictJson('{"iss":"a","iss":"b"}')).toThrow(DuplicateKeyError);
    expect(() => parseStrictJson('{"x":{"y":1,"y":2}}')).toThrow('duplicate member "y"');
  });

  it('refuses malformed input and trailing data', () => {
    expect(() => parseStrictJson('{"a":1,}')).toThrow(SyntaxError);
    expect(() => parseStrictJson('{"a":1} x')).toThrow(SyntaxError);
  });

  it('keeps __proto__ as plain data', () => {
    const parsed = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(['__proto__']);
  });
});

describe('parseStrictJson on hostile shapes', () => {
  it('refuses nesting deeper than MAX_JSON_DEPTH with a SyntaxError, not a stack overflow', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseStrictJson(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseStrictJson(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError);
    expect(() => parseStrictJson(nested(MAX_JSON_DEPTH + 1))).toThrow(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => parseStrictJson(nested(1_000_000))).toThrow(SyntaxError);
    expect(() => parseStrictJson('{"a":'.repeat(100_000))).toThrow(SyntaxError);
  });

  it('reads a quarter megabyte of literals, members, escapes or blanks in linear time', () => {
    const shapes = [
      `[${Array(40_000).fill('-1.5e3').join(',')}]`,
      `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":null`).join(',')}}`,
      `"${'\\"'.repeat(125_000)}"`,
      ' '.repeat(250_000) + '1',
    ];
    for (const text of shapes) {
      const started = performance.now();
      parseStrictJson(text);
      // Quadratic work on this much text takes seconds to minutes; linear work takes milliseconds.
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  });
});
