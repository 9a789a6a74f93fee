import { chooseCredentialMediaType, servableMediaTypes, tokenTyp } from './credential-media-type';

const header = (h: object) => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.e30.c2ln`;

describe('the media type a signed credential is served as', () => {
  it.each([
    // typ, Accept, expected
    ['JWT', undefined, 'text/plain'],
    ['JWT', '', 'text/plain'],
    ['JWT', '*/*', 'text/plain'],
    ['JWT', 'text/*', 'text/plain'],
    ['JWT', 'text/plain', 'text/plain'],
    ['JWT', 'application/vc+jwt, text/plain;q=0.1', 'text/plain'],
    ['vc+jwt', undefined, 'application/vc+jwt'],
    ['vc+jwt', '*/*', 'application/vc+jwt'],
    ['vc+jwt', 'application/vc+jwt', 'application/vc+jwt'],
    ['vc+jwt', 'text/plain', 'text/plain'],
    ['vc+jwt', 'text/plain, application/vc+jwt;q=0.5', 'text/plain'],
    ['vc+jwt', 'application/*', 'application/vc+jwt'],
    ['vc+jwt', 'application/vc+jwt;q=0, */*', 'text/plain'],
    ['vc+jwt', 'TEXT/PLAIN', 'text/plain'],
    // A header with no usable range is treated as no preference.
    ['vc+jwt', 'nonsense', 'application/vc+jwt'],
    [undefined, undefined, 'text/plain'],
  ])('typ %s with Accept %p: %s', (typ, accept, expected) => {
    expect(chooseCredentialMediaType(typ, accept)).toEqual({ ok: true, mediaType: expected });
  });

  it.each([
    ['JWT', 'application/vc+jwt'],
    ['JWT', 'application/json'],
    ['JWT', 'text/plain;q=0, */*'],
    ['vc+jwt', 'application/json, image/png'],
    ['vc+jwt', 'application/vc+jwt;q=0, text/plain;q=0'],
  ])('typ %s refuses Accept %p, naming what it serves', (typ, accept) => {
    const choice = chooseCredentialMediaType(typ, accept);
    expect(choice.ok).toBe(false);
    expect(!choice.ok && choice.message).toContain(servableMediaTypes(typ).join(' or '));
  });

  it('offers application/vc+jwt only for tokens typed vc+jwt', () => {
    expect(servableMediaTypes('JWT')).toEqual(['text/plain']);
    expect(servableMediaTypes('vc+jwt')).toEqual(['application/vc+jwt', 'text/plain']);
  });

  it('reads a bounded part of a huge Accept header and still answers', () => {
    const huge = `${'x/y;q=0.5, '.repeat(50_000)}text/plain`;
    const started = performance.now();
    expect(chooseCredentialMediaType('JWT', huge).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('reads the typ from the protected header, and nothing from a broken one', () => {
    expect(tokenTyp(header({ alg: 'ES256', typ: 'vc+jwt' }))).toBe('vc+jwt');
    expect(tokenTyp(header({ alg: 'ES256', typ: 'JWT' }))).toBe('JWT');
    expect(tokenTyp('not-a-token')).toBeUndefined();
    expect(tokenTyp('.x.y')).toBeUndefined();
  });
});
