import { generateKeyPairSync, sign } from 'node:crypto';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import achievementCredentialSchema from './conformance/ob_v3p0_achievementcredential_schema.json';
import { expandSafely, OB_V3_0_3, OFFICIAL_CONTEXTS, offlineLoader, RefusedContextError, VALIDATOR_CONTEXTS, VC_V2 } from './conformance/json-ld';
import { nobleVerifyJws, type PublicJwk } from './conformance/noble-jws';
import { useService, uniqueCourseId } from './helpers/service';

const JWT = 'https://www.iana.org/assignments/jwt#';
const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, any>;
const partsOf = (jws: string) => ({ header: decode(jws.split('.')[0]), payload: decode(jws.split('.')[1]) });

/** Every member of the payload (JWT claims included) must survive expansion as a full IRI. */
async function expectExpandsCompletely(payload: Record<string, unknown>) {
  for (const contexts of [OFFICIAL_CONTEXTS, VALIDATOR_CONTEXTS]) {
    const [node] = (await expandSafely(payload, contexts)) as Array<Record<string, unknown>>;
    expect(node['@id']).toBe(payload.id);
    expect(node[`${JWT}jti`]).toEqual([{ '@id': payload.id }]);
    // One expanded property per member: none was dropped (id and type became @id and @type).
    const members = Object.keys(payload).filter((key) => !['@context', 'id', 'type'].includes(key));
    expect(Object.keys(node).filter((key) => !key.startsWith('@'))).toHaveLength(members.length);
  }
}

/** 1EdTech's JSON schema of an OB 3.0 AchievementCredential (draft 2019-09), the one our credentialSchema names. */
const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
const validateAchievementCredential = ajv.compile(achievementCredentialSchema);

function schemaErrors(payload: unknown): string[] {
  return validateAchievementCredential(payload) ? [] : (validateAchievementCredential.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** The signing key by the token's kid, fetched from that URL, and the same key in our published JWKS. */
async function publishedKey(baseUrl: string, kid: string): Promise<PublicJwk> {
  expect(kid.startsWith(`${baseUrl}/keys/`)).toBe(true);
  const jwk = (await (await fetch(kid)).json()) as PublicJwk & { kid: string };
  const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as { keys: Array<PublicJwk & { kid: string }> };
  expect(jwks.keys).toContainEqual(expect.objectContaining({ kid: jwk.kid, x: jwk.x }));
  return jwk;
}

describe('conformance checks that can fail', () => {
  const oldShape = {
    '@context': [VC_V2, OB_V3_0_3],
    id: 'urn:uuid:7a1c7a43-5b7a-4cf5-9f0c-3b9a8f0b6d11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://certs.example.org/issuer', type: ['Profile'], name: 'Example' },
    validFrom: '2026-11-20T10:00:00Z',
    name: 'Certificate',
    credentialSubject: { id: 'urn:uuid:00000000-0000-5000-8000-000000000000', type: ['AchievementSubject'], achievement: { id: 'https://certs.example.org/a', type: ['Achievement'], name: 'A', description: 'A', criteria: { narrative: 'A' } } },
    credentialSchema: [{ id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json', type: '1EdTechJsonSchemaValidator2019' }],
  };

  it('the document loader refuses any context it does not hold', async () => {
    await expect(offlineLoader(OFFICIAL_CONTEXTS)('https://evil.example/context.json')).rejects.toBeInstanceOf(RefusedContextError);
    await expect(expandSafely({ ...oldShape, '@context': [VC_V2, 'https://evil.example/context.json'] })).rejects.toThrow();
  });

  it('safe mode refuses the former shape: the schema type without the extensions context, and an undefined jti', async () => {
    await expect(expandSafely(oldShape)).rejects.toMatchObject({ message: 'Safe mode validation error.', details: { event: { details: { type: '1EdTechJsonSchemaValidator2019' } } } });
    const withExtensions = { ...oldShape, '@context': [...oldShape['@context'], 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'], jti: oldShape.id };
    await expect(expandSafely(withExtensions)).rejects.toMatchObject({ details: { event: { details: { property: 'jti' } } } });
  });

  it("1EdTech's AchievementCredential schema refuses a credential without a subject, or with a date that is not a date-time", () => {
    const withExtensions = { ...oldShape, '@context': [...oldShape['@context'], 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'] };
    expect(schemaErrors(withExtensions)).toEqual([]);
    const { credentialSubject: _subject, ...withoutSubject } = withExtensions;
    expect(schemaErrors(withoutSubject)).toContain("/ must have required property 'credentialSubject'");
    expect(schemaErrors({ ...withExtensions, validFrom: '20 November 2026' })).toContain('/validFrom must match format "date-time"');
  });

  it('the noble verifier refuses a token whose payload was changed', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const header = Buffer.from(JSON.stringify({ alg: 'EdDSA' })).toString('base64url');
    const payload = Buffer.from('{"a":1}').toString('base64url');
    const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    const jwk = publicKey.export({ format: 'jwk' }) as PublicJwk;
    expect(nobleVerifyJws(`${header}.${payload}.${signature}`, jwk)).toBe(true);
    expect(nobleVerifyJws(`${header}.${Buffer.from('{"a":2}').toString('base64url')}.${signature}`, jwk)).toBe(false);
  });
});

const ed25519Key = () => JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }));

describe.each<{ format: string; alg: string; typ: string; env: Record<string, string> }>([
  { format: 'ob-vc-jwt', alg: 'ES256', typ: 'JWT', env: {} },
  { format: 'vc-jose-cose', alg: 'ES256', typ: 'vc+jwt', env: { CREDENTIAL_FORMAT: 'vc-jose-cose' } },
  { format: 'ob-vc-jwt', alg: 'EdDSA', typ: 'JWT', env: { SIGNING_KEY: ed25519Key() } },
  { format: 'vc-jose-cose', alg: 'EdDSA', typ: 'vc+jwt', env: { CREDENTIAL_FORMAT: 'vc-jose-cose', SIGNING_KEY: ed25519Key() } },
])('credentials issued as $format with $alg', ({ alg, typ, env }) => {
  const ctx = useService(env);
  const defaultType = typ === 'vc+jwt' ? 'application/vc+jwt' : 'text/plain';
  let jws: string;
  let certificateUrl: string;

  beforeAll(async () => {
    const courseId = uniqueCourseId('Conformance');
    const created = await ctx.api.post('/courses', { id: courseId, title: 'Conformance', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5, certificateShowsGrade: true });
    expect(created.status).toBe(201);
    const learner = `c-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Conformance Learner', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.9 }] });
    const { certificateId } = (await ctx.api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body;
    certificateUrl = `/certificates/${certificateId}/credential.jwt`;
    const response = await ctx.api.fetch(certificateUrl);
    expect(response.status).toBe(200);
    jws = await response.text();
  });

  it(`serves the credential as ${defaultType} by default, text/plain on request, and 406 for what it cannot serve`, async () => {
    for (const accept of [undefined, '*/*']) {
      const response = await ctx.api.fetch(certificateUrl, { headers: accept ? { accept } : {} });
      expect(response.headers.get('content-type')).toMatch(new RegExp(`^${defaultType.replace('+', '\\+')}`));
      expect(response.headers.get('vary')).toMatch(/Accept/i);
    }
    expect((await ctx.api.fetch(certificateUrl, { headers: { accept: 'text/plain' } })).headers.get('content-type')).toMatch(/^text\/plain/);
    const vcJwt = await ctx.api.fetch(certificateUrl, { headers: { accept: 'application/vc+jwt' } });
    if (typ === 'vc+jwt') expect(vcJwt.headers.get('content-type')).toMatch(/^application\/vc\+jwt/);
    else expect([vcJwt.status, ((await vcJwt.json()) as { code: string }).code]).toEqual([406, 'not_acceptable']);
    const refused = await ctx.api.fetch(certificateUrl, { headers: { accept: 'application/json' } });
    expect(refused.status).toBe(406);
    expect(((await refused.json()) as { message: string }).message).toContain('text/plain');
  });

  it('is signed as configured and expands in JSON-LD safe mode with nothing dropped', async () => {
    const { header, payload } = partsOf(jws);
    expect(header).toMatchObject({ alg, typ });
    await expectExpandsCompletely(payload);
  });

  it("passes 1EdTech's Open Badges 3.0 AchievementCredential JSON schema", () => {
    const { payload } = partsOf(jws);
    expect(payload.credentialSchema).toEqual([{ id: achievementCredentialSchema.$id.replace('/json-ld/', '/json/'), type: '1EdTechJsonSchemaValidator2019' }]);
    expect(schemaErrors(payload)).toEqual([]);
  });

  it('has a signature that a verifier other than jose accepts, with the key we publish', async () => {
    const jwk = await publishedKey(ctx.service.baseUrl, partsOf(jws).header.kid);
    expect(nobleVerifyJws(jws, jwk)).toBe(true);
  });

  it('points to a status list credential that expands completely and verifies the same way', async () => {
    const statusUrl = partsOf(jws).payload.credentialStatus.statusListCredential as string;
    const response = await fetch(statusUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(new RegExp(`^${defaultType.replace('+', '\\+')}`));
    const list = await response.text();
    const { header, payload } = partsOf(list);
    expect(header).toMatchObject({ alg, typ });
    expect(payload.type).toContain('BitstringStatusListCredential');
    await expectExpandsCompletely(payload);
    expect(nobleVerifyJws(list, await publishedKey(ctx.service.baseUrl, header.kid))).toBe(true);
    expect((await fetch(statusUrl, { headers: { accept: 'text/plain' } })).headers.get('content-type')).toMatch(/^text\/plain/);
  });
});
