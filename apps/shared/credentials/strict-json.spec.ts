import { DuplicateKeyError, parseStrictJson } from './strict-json';

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
