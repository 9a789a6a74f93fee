import { checkJsonShape, JsonBodyShapeError, MAX_JSON_BODY_DEPTH, MAX_JSON_OBJECT_MEMBERS } from './json-shape';

const check = (text: string) => () => checkJsonShape(null, null, Buffer.from(text));
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
const object = (members: number) => `{${Array.from({ length: members }, (_, i) => `"k${i}":1`).join(',')}}`;

describe('checkJsonShape', () => {
  it('lets bodies up to the depth limit through and refuses one level more, with a 400', () => {
    expect(check(nested(MAX_JSON_BODY_DEPTH))).not.toThrow();
    expect(check(`{"a":${nested(MAX_JSON_BODY_DEPTH - 1)}}`)).not.toThrow();
    expect(check(nested(MAX_JSON_BODY_DEPTH + 1))).toThrow(JsonBodyShapeError);
    expect(check(`{"a":${'{"b":'.repeat(MAX_JSON_BODY_DEPTH)}1${'}'.repeat(MAX_JSON_BODY_DEPTH + 1)}`)).toThrow(`nested deeper than ${MAX_JSON_BODY_DEPTH} levels`);
    expect(new JsonBodyShapeError('json_too_deep', 'x')).toMatchObject({ status: 400, type: 'json_too_deep' });
  });

  it('counts the members of each object on its own, arrays of objects included', () => {
    expect(check(object(MAX_JSON_OBJECT_MEMBERS))).not.toThrow();
    expect(check(object(MAX_JSON_OBJECT_MEMBERS + 1))).toThrow(`more than ${MAX_JSON_OBJECT_MEMBERS} members`);
    expect(check(`{"a":${object(MAX_JSON_OBJECT_MEMBERS)},"b":1}`)).not.toThrow();
    expect(check(`{"rows":[${Array(10_000).fill('{"learnerId":"a","email":"a@b.c","name":"A","mode":"audit"}').join(',')}]}`)).not.toThrow();
  });

  it('does not count brackets or colons inside strings, escaped quotes included', () => {
    expect(check(JSON.stringify({ text: '['.repeat(10_000), colons: ':'.repeat(10_000), quoted: `"${'{'.repeat(10_000)}\\"` }))).not.toThrow();
    expect(check(`["\\\\"${'['.repeat(MAX_JSON_BODY_DEPTH)}`)).toThrow(JsonBodyShapeError);
  });

  it('reads two megabytes in linear time', () => {
    const started = performance.now();
    expect(check(nested(1_000_000))).toThrow(JsonBodyShapeError);
    expect(check(object(200_000))).toThrow(JsonBodyShapeError);
    expect(check(JSON.stringify({ a: Array(400_000).fill([1]) }))).not.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
