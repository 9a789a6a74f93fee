import { CompactSign, exportJWK, generateKeyPair, SignJWT, base64url } from 'jose';
import { useService, uniqueCourseId } from './helpers/service';

/** Every hostile input of the Credentials issue, against the real POST /verify endpoint. */
describe('POST /verify refuses hostile credentials, each with a precise 4xx', () => {
  const ctx = useService();
  let jws: string;
  let certificateId: string;
  let payload: Record<string, any>;
  let header: Record<string, any>;

  const present = (credential: string) => ctx.api.post('/verify', { credential });
  const signOurs = (claims: Record<string, unknown>, protectedHeader: Record<string, unknown> = header) =>
    new SignJWT(claims).setProtectedHeader(protectedHeader as { alg: string }).sign(ctx.service.keys.active.privateKey);
  const failedCheck = (body: { checks: Array<{ name: string; ok: boolean }> }) => body.checks.find((c) => !c.ok)?.name;

  beforeAll(async () => {
    const courseId = uniqueCourseId('Hostile');
    await ctx.api.post('/courses', { id: courseId, title: 'Security 101', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    const learner = `h-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Honest Learner', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.9 }] });
    certificateId = (await ctx.api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body.certificateId;
    jws = (await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificateId } })).jws!;
    header = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[0])));
    payload = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[1])));
  });

  it('accepts the genuine credential, as JSON or as the bare token, listing every check', async () => {
    const response = await present(jws);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ verdict: 'valid', certificateId, learner: { name: 'Honest Learner' }, course: { title: 'Security 101' } });
    expect(response.body.checks.map((c: { name: string }) => c.name)).toEqual([
      'format', 'header', 'algorithm', 'header_parameters', 'key', 'signature', 'payload', 'structure', 'claims', 'validity_period', 'record', 'revocation',
    ]);
    const bare = await ctx.api.raw('POST', '/verify', jws, { 'content-type': 'application/jwt' });
    expect(bare.status).toBe(200);
  });

  it.each<[string, () => Promise<string>, number, string]>([
    ['alg none', async () => `${base64url.encode(JSON.stringify({ alg: 'none', kid: header.kid }))}.${jws.split('.')[1]}.`, 422, 'algorithm'],
    [
      'HS256 keyed with our public key',
      async () => {
        const published = await (await fetch(header.kid)).text();
        return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: header.kid }).sign(new TextEncoder().encode(published));
      },
      422,
      'algorithm',
    ],
    [
      'an embedded jwk header',
      async () => {
        const attacker = await generateKeyPair('ES256', { extractable: true });
        return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: header.kid, jwk: await exportJWK(attacker.publicKey) }).sign(attacker.privateKey);
      },
      422,
      'header_parameters',
    ],
    ['a jku header', async () => signOurs(payload, { ...header, jku: 'https://evil.example/jwks.json' }), 422, 'header_parameters'],
    ['an x5u header', async () => signOurs(payload, { ...header, x5u: 'https://evil.example/cert.pem' }), 422, 'header_parameters'],
    [
      'an unknown kid',
      async () => {
        const attacker = await generateKeyPair('ES256');
        return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'https://evil.example/keys/1' }).sign(attacker.privateKey);
      },
      422,
      'key',
    ],
    [
      'an unknown crit',
      async () => {
        // jose itself refuses to sign an unknown crit, so the token is made by hand with our key.
        const input = `${base64url.encode(JSON.stringify({ ...header, crit: ['exp-policy'], 'exp-policy': 1 }))}.${base64url.encode(JSON.stringify(payload))}`;
        const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ctx.service.keys.active.privateKey, new TextEncoder().encode(input));
        return `${input}.${base64url.encode(new Uint8Array(signature))}`;
      },
      422,
      'header_parameters',
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = jws.split('.');
        return `${h}.${base64url.encode(JSON.stringify({ ...payload, credentialSubject: { ...payload.credentialSubject, name: 'Eve Forger' } }))}.${s}`;
      },
      422,
      'signature',
    ],
    [
      'a tampered signature',
      async () => {
        const [h, p, s] = jws.split('.');
        const bytes = base64url.decode(s);
        bytes[10] ^= 0xff;
        return `${h}.${p}.${base64url.encode(bytes)}`;
      },
      422,
      'signature',
    ],
    ['an all-zero ECDSA signature', async () => `${jws.split('.').slice(0, 2).join('.')}.${base64url.encode(new Uint8Array(64))}`, 422, 'signature'],
    [
      'duplicate JSON keys',
      async () => {
        const text = JSON.stringify(payload).replace(/^\{/, `{"iss":"https://evil.example/issuer",`);
        return new CompactSign(new TextEncoder().encode(text)).setProtectedHeader(header as { alg: string }).sign(ctx.service.keys.active.privateKey);
      },
      400,
      'payload',
    ],
    ['a vc claim', async () => signOurs({ ...payload, vc: { credentialSubject: { name: 'Eve' } } }), 400, 'payload'],
    ['an iss that is not the issuer', async () => signOurs({ ...payload, iss: 'https://evil.example/issuer' }), 422, 'claims'],
    [
      'a validFrom in the future',
      async () => {
        const future = new Date(Date.now() + 7 * 86_400_000);
        return signOurs({ ...payload, validFrom: future.toISOString(), nbf: Math.floor(future.getTime() / 1000) });
      },
      422,
      'validity_period',
    ],
    [
      'an expired validUntil',
      async () => {
        const past = new Date(Date.now() - 86_400_000);
        return signOurs({ ...payload, validUntil: past.toISOString(), exp: Math.floor(past.getTime() / 1000) });
      },
      422,
      'validity_period',
    ],
    ['garbage', async () => 'hello.world', 400, 'format'],
  ])('refuses %s', async (_name, forge, status, check) => {
    const response = await present(await forge());
    expect(response.status).toBe(status);
    expect(response.body.verdict).toBe('invalid');
    expect(failedCheck(response.body)).toBe(check);
  });

  it('answers 410 for a revoked credential, and 413 for an oversized token or upload', async () => {
    await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'Plagiarism', publicReason: 'Academic misconduct', invalidatedBy: 'prof@example.org' });
    const revoked = await present(jws);
    expect(revoked.status).toBe(410);
    expect(revoked.body).toMatchObject({ verdict: 'revoked', revocation: { reason: 'Academic misconduct' } });
    await ctx.api.post(`/certificates/${certificateId}/reinstatement`, { reinstatedBy: 'prof@example.org' });
    expect((await present(jws)).status).toBe(200);

    expect((await present(`${jws}${'A'.repeat(20_000)}`)).status).toBe(413);
    expect((await ctx.api.raw('POST', '/verify', JSON.stringify({ credential: 'x'.repeat(3 * 1024 * 1024) }))).status).toBe(413);
    expect((await ctx.api.post('/verify', { token: jws })).status).toBe(400);
  });

  it('serves the public page as HTML for people and JSON for programs', async () => {
    const html = await fetch(`${ctx.service.baseUrl}/verify/${certificateId}`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain('<h1>VALID</h1>');
    expect(page).toContain('Honest Learner');
    expect(page).not.toContain('<script');
    const json = await ctx.api.get(`/verify/${certificateId}`);
    expect(json.body.verdict).toBe('valid');
  });
});

describe('revocation by Bitstring Status List', () => {
  // Signed lists are normally reused for 30 s; here every request signs a fresh one.
  const ctx = useService({ STATUS_LIST_TTL: '0' });

  it('sets the bit on invalidation and clears it on reinstatement, in a signed list of 131,072 entries', async () => {
    const { decodeStatusList, bitAt, STATUS_LIST_SIZE } = await import('../apps/shared/credentials/status-list');
    const { verifyCredentialToken } = await import('../apps/shared/credentials/verify-credential');
    const courseId = uniqueCourseId('Status');
    await ctx.api.post('/courses', { id: courseId, title: 'Status', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5, certificateShowsGrade: true });
    const learner = `s-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Status Learner', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.875 }] });
    const { certificateId } = (await ctx.api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body;
    const row = await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificateId } });
    const credential = JSON.parse(Buffer.from(row.jws!.split('.')[1], 'base64url').toString());
    expect(credential.credentialStatus).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: String(row.statusIndex) });
    expect(credential.credentialSubject.result[0].value).toBe('87.5');
    expect(credential.credentialSubject.identifier[0]).toMatchObject({ identityType: 'emailAddress', hashed: true, identityHash: expect.stringMatching(/^sha256\$[0-9a-f]{64}$/) });
    expect(JSON.stringify(credential)).not.toContain(`${learner}@example.org`);

    const bit = async () => {
      const response = await fetch(credential.credentialStatus.statusListCredential);
      expect(response.headers.get('cache-control')).toContain('max-age');
      const jws = await response.text();
      const checked = await verifyCredentialToken(jws, { keys: ctx.service.keys, publicUrl: ctx.service.config.http.publicUrl });
      expect(checked.checks.find((c) => c.name === 'signature')?.ok).toBe(true);
      const list = decodeStatusList((checked.credential as any).credentialSubject.encodedList);
      expect(list.length * 8).toBe(STATUS_LIST_SIZE);
      return bitAt(list, row.statusIndex!);
    };
    expect(await bit()).toBe(false);
    await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'Revoked for the test', invalidatedBy: 'prof' });
    expect(await bit()).toBe(true);
    expect((await ctx.api.post('/verify', { credential: row.jws })).body.checks.at(-1).detail).toContain('bit set');
    await ctx.api.post(`/certificates/${certificateId}/reinstatement`, { reinstatedBy: 'prof' });
    expect(await bit()).toBe(false);
  });
});

describe('the W3C VC-JOSE-COSE profile, by configuration', () => {
  const ctx = useService({ CREDENTIAL_FORMAT: 'vc-jose-cose' });

  it('signs with typ vc+jwt and still verifies', async () => {
    const courseId = uniqueCourseId('Cose');
    await ctx.api.post('/courses', { id: courseId, title: 'Profiles', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    const learner = `p-${courseId.slice(-8)}`;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'Profile Learner', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.9 }] });
    const { certificateId } = (await ctx.api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body;
    const jws = (await ctx.service.db.certificate.findUniqueOrThrow({ where: { id: certificateId } })).jws!;
    expect(JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString()).typ).toBe('vc+jwt');
    expect((await ctx.api.post('/verify', { credential: jws })).body.verdict).toBe('valid');
  });
});
