import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as R from '../apps/api/src/common/response-schemas';
import { WalletRepository } from '../apps/shared/repositories';
import { bearer, lmsToken, signInToken } from './helpers/auth';
import { fitsViewport, launchChromium, screenshots } from './helpers/browser';
import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, useService, uniqueCourseId } from './helpers/service';

const WALLET = path.join(__dirname, 'wallet', 'wallet.mjs');
const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** The third-party wallet, in its own process (the library is ESM-only). */
function runWallet(args: { offerUrl: string; txCode?: string }): Promise<{ did?: string; credential?: string; format?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WALLET, JSON.stringify(args)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wallet failed: ${stderr || error.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString());

async function holder(): Promise<{ privateKey: CryptoKey; jwk: JWK; did: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const jwk = { kty, crv, x, y };
  return { privateKey, jwk, did: `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}` };
}

describe('adding a certificate to a wallet (OpenID4VCI pre-authorized code flow)', () => {
  const ctx = useService();
  const learnerId = 'wallet-learner';
  let courseId: string;
  let certificateId: string;
  let learner: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    courseId = uniqueCourseId('Wallet');
    await ctx.api.post('/courses', { id: courseId, title: 'Wallets 101', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId, email: `${courseId.slice(-8)}@example.org`, name: 'Wendy Wallet', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId, grade: 0.9 }] });
    await generateAfterCourseEnd(ctx.api, courseId);
    certificateId = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates[0].id;
    learner = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: learnerId })));
  }, 90_000);

  const offer = async (txCode = true) => {
    const response = await learner.post(`/certificates/${certificateId}/wallet-offers`, { txCode });
    expect(response.status).toBe(201);
    return response.body as { offerUrl: string; txCode: string | null; qrCode: string; offer: { grants: Record<string, { 'pre-authorized_code': string }> } };
  };
  const token = (form: Record<string, string>) =>
    fetch(`${ctx.service.baseUrl}/oid4vci/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, cache: r.headers.get('cache-control') }));
  const accessToken = async () => {
    const o = await offer(false);
    return (await token({ grant_type: PRE_AUTH, 'pre-authorized_code': o.offer.grants[PRE_AUTH]['pre-authorized_code'] })).body.access_token as string;
  };
  const nonce = async () => (await ctx.api.post('/oid4vci/nonce', {})).body.c_nonce as string;
  const proof = (key: { privateKey: CryptoKey; did: string }, claims: { nonce: string; aud?: string }, header: Record<string, unknown> = {}) =>
    new SignJWT({ nonce: claims.nonce, aud: claims.aud ?? ctx.service.config.http.publicUrl })
      .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', kid: `${key.did}#0`, ...header })
      .setIssuedAt()
      .sign(key.privateKey);
  const credentialRequest = (access: string | null, body: unknown) =>
    fetch(`${ctx.service.baseUrl}/oid4vci/credential`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(access ? { authorization: `Bearer ${access}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, wwwAuthenticate: r.headers.get('www-authenticate') }));
  const request = (jwt: string) => ({ credential_configuration_id: 'OpenBadgeCredential_jwt_vc_json', proofs: { jwt: [jwt] } });

  it('publishes credential issuer and authorization server metadata a wallet can use', async () => {
    const issuer = (await ctx.api.get('/.well-known/openid-credential-issuer')).body;
    expect(issuer).toMatchObject({ credential_issuer: ctx.service.config.http.publicUrl, credential_endpoint: `${ctx.service.config.http.publicUrl}/oid4vci/credential`, nonce_endpoint: `${ctx.service.config.http.publicUrl}/oid4vci/nonce` });
    expect(issuer.credential_configurations_supported.OpenBadgeCredential_jwt_vc_json).toMatchObject({ format: 'jwt_vc_json', credential_definition: { type: ['VerifiableCredential', 'OpenBadgeCredential'] }, proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256', 'EdDSA'] } } });
    expect(R.credentialIssuerMetadataResponse.safeParse(issuer).success).toBe(true);
    expect((await ctx.api.get('/.well-known/oauth-authorization-server')).body).toMatchObject({ token_endpoint: `${ctx.service.config.http.publicUrl}/oid4vci/token`, 'pre-authorized_grant_anonymous_access_supported': true });
  });

  it('refuses an offer to anyone but the learner, and offers a QR code and a credential offer link', async () => {
    expect((await ctx.api.post(`/certificates/${certificateId}/wallet-offers`, {})).status).toBe(403);
    const o = await offer();
    expect(o.offerUrl.startsWith('openid-credential-offer://?credential_offer=')).toBe(true);
    expect(o.qrCode.startsWith('data:image/png;base64,')).toBe(true);
    expect(o.txCode).toMatch(/^\d{6}$/);
    expect(o.offerUrl).not.toContain(o.txCode!);
    expect(R.walletOfferResponse.safeParse(o).success).toBe(true);
  });

  describe('refusals, with the error codes the specifications name', () => {
    it('refuses a replayed pre-authorized code, even when both exchanges race', async () => {
      const code = (await offer(false)).offer.grants[PRE_AUTH]['pre-authorized_code'];
      const both = await Promise.all([token({ grant_type: PRE_AUTH, 'pre-authorized_code': code }), token({ grant_type: PRE_AUTH, 'pre-authorized_code': code })]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
      expect(both.find((r) => r.status === 400)!.body.error).toBe('invalid_grant');
      const again = await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code });
      expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' }, cache: 'no-store' });
      expect((await token({ grant_type: 'authorization_code', code })).body.error).toBe('unsupported_grant_type');
      expect((await token({ grant_type: PRE_AUTH })).body.error).toBe('invalid_request');
    });

    it('refuses a wrong transaction code', async () => {
      const o = await offer(true);
      const wrong = String((Number(o.txCode) + 1) % 1_000_000).padStart(6, '0');
      expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': o.offer.grants[PRE_AUTH]['pre-authorized_code'], tx_code: wrong })).body.error).toBe('invalid_grant');
      expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': o.offer.grants[PRE_AUTH]['pre-authorized_code'], tx_code: o.txCode! })).status).toBe(200);
    });

    it('refuses a transaction code the offer did not ask for, and a missing one it did, as malformed requests that do not spend the offer', async () => {
      const without = (await offer(false)).offer.grants[PRE_AUTH]['pre-authorized_code'];
      expect(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': without, tx_code: '123456' })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('no transaction code') } });
      expect(R.walletTokenResponse.safeParse((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': without })).body).success).toBe(true);

      const withCode = await offer(true);
      const code = withCode.offer.grants[PRE_AUTH]['pre-authorized_code'];
      // More missing codes than the wrong codes an offer tolerates: none of them counts as a guess.
      for (let i = 0; i < 6; i++) {
        expect(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('tx_code') } });
      }
      expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: withCode.txCode! })).status).toBe(200);
    });

    it('spends an offer after five wrong transaction codes', async () => {
      const o = await offer(true);
      const code = o.offer.grants[PRE_AUTH]['pre-authorized_code'];
      const wrong = String((Number(o.txCode) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: wrong })).body).toMatchObject({ error: 'invalid_grant', error_description: 'the transaction code is wrong' });
      expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': code, tx_code: o.txCode! })).body).toMatchObject({ error: 'invalid_grant', error_description: 'the offer was already used' });
    });

    it('refuses proofs for another nonce, another audience or signed by another key, and a missing or invalid access token', async () => {
      const key = await holder();
      const access = await accessToken();
      expect(await credentialRequest(access, request(await proof(key, { nonce: 'never-issued' })))).toMatchObject({ status: 400, body: { error: 'invalid_nonce' } });
      expect(await credentialRequest(access, request(await proof(key, { nonce: await nonce(), aud: 'https://another-issuer.example' })))).toMatchObject({ status: 400, body: { error: 'invalid_proof' } });
      const other = await holder();
      expect(await credentialRequest(access, request(await proof({ privateKey: other.privateKey, did: key.did }, { nonce: await nonce() })))).toMatchObject({ status: 400, body: { error: 'invalid_proof' } });
      expect(await credentialRequest(access, request(await proof(key, { nonce: await nonce() }, { kid: undefined, jwk: { ...key.jwk, d: 'AAAA' } })))).toMatchObject({ status: 400, body: { error: 'invalid_proof' } });
      expect(await credentialRequest(access, { credential_configuration_id: 'Diploma', proofs: { jwt: [await proof(key, { nonce: await nonce() })] } })).toMatchObject({ status: 400, body: { error: 'unknown_credential_configuration' } });
      const missing = await credentialRequest(null, request(await proof(key, { nonce: await nonce() })));
      expect(missing).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
      expect(missing.wwwAuthenticate).toContain('error="invalid_token"');
      expect(await credentialRequest('not-a-token-we-issued', request(await proof(key, { nonce: await nonce() })))).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
      // A nonce is single use.
      const used = await nonce();
      expect((await credentialRequest(access, request(await proof(key, { nonce: used })))).status).toBe(200);
      expect(await credentialRequest(access, request(await proof(key, { nonce: used })))).toMatchObject({ status: 400, body: { error: 'invalid_nonce' } });
    });
  });

  it('deletes offers and nonces long expired, a bounded number at a time, when wallets call the token or nonce endpoint', async () => {
    const wallet = new WalletRepository(ctx.service.db);
    const hash = (text: string) => createHash('sha256').update(text).digest('hex');
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    const stale = [1, 2, 3].map((i) => `stale-${i}-${randomUUID()}`);
    for (const code of stale) await wallet.createGrant({ certificateId, codeHash: hash(code), txCodeHash: null, expiresAt: longAgo });
    for (const n of stale) await wallet.createNonce(hash(n), longAgo);
    // Each call deletes at most its limit (wallet requests running meanwhile may take some first).
    const cutoff = new Date(Date.now() - 2 * 86_400_000);
    let calls = 0;
    for (;;) {
      const purged = await wallet.purgeExpired(cutoff, 2);
      expect(purged.grants).toBeLessThanOrEqual(2);
      expect(purged.nonces).toBeLessThanOrEqual(2);
      calls++;
      if (purged.grants + purged.nonces === 0) break;
    }
    expect(calls).toBeGreaterThanOrEqual(2);
    const redeem = (code: string) => wallet.redeemCode({ codeHash: hash(code), txCodeHash: null, accessTokenHash: hash(randomUUID()), accessTokenExpiresAt: new Date(), now: new Date() });
    for (const code of stale) expect(await redeem(code)).toBe('unknown');

    // Through the API: an offer expired long ago is gone after the next nonce request, or after the token request that found it expired.
    const beforeNonce = `old-${randomUUID()}`;
    await wallet.createGrant({ certificateId, codeHash: hash(beforeNonce), txCodeHash: null, expiresAt: longAgo });
    expect((await ctx.api.post('/oid4vci/nonce', {})).status).toBe(200);
    expect(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': beforeNonce })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the pre-authorized code is not one we issued' } });
    const tried = `old-${randomUUID()}`;
    await wallet.createGrant({ certificateId, codeHash: hash(tried), txCodeHash: null, expiresAt: longAgo });
    expect((await token({ grant_type: PRE_AUTH, 'pre-authorized_code': tried })).body.error).toBe('invalid_grant');
    expect(await redeem(tried)).toBe('unknown');
    // A recent expiry is kept for the grace period, so the wallet hears why.
    const recent = `recent-${randomUUID()}`;
    await wallet.createGrant({ certificateId, codeHash: hash(recent), txCodeHash: null, expiresAt: new Date(Date.now() - 60_000) });
    expect((await ctx.api.post('/oid4vci/nonce', {})).status).toBe(200);
    expect(await token({ grant_type: PRE_AUTH, 'pre-authorized_code': recent })).toMatchObject({ body: { error: 'invalid_grant', error_description: 'the offer has expired' } });
  });

  it('in a browser: the learner clicks "Add to wallet" on their course card and sees the QR code, the wallet link and the code to type', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
      const failures: string[] = [];
      // Script errors and failed calls (the browser's own favicon request aside).
      page.on('pageerror', (error) => failures.push(error.message));
      page.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && failures.push(`${response.status()} ${response.url()}`));
      const next = '/app/learner';
      await page.goto(`${ctx.service.baseUrl}/session?token=${await signInToken({ role: 'learner', sub: learnerId, name: 'Wendy Wallet' })}&next=${encodeURIComponent(next)}`);
      await Promise.all([page.waitForURL(`${ctx.service.baseUrl}${next}`), page.getByRole('button', { name: /^Continue as / }).click()]);
      const card = page.locator('article.card', { hasText: 'Wallets 101' });
      await card.getByRole('button', { name: 'Add to wallet' }).click();
      const qr = card.locator('.wallet-offer img');
      await qr.waitFor({ timeout: 10_000 });
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      expect(await card.getByRole('link', { name: 'Open in a wallet app on this device' }).getAttribute('href')).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
      expect(await card.locator('.wallet-offer').innerText()).toMatch(/Scan this QR code with your wallet app, then type the transaction code it asks for: \d{6}/);
      expect((await fitsViewport(page)).fits).toBe(true);
      await screenshots().take(page, 'wallet-offer-375');
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('issues a key-bound copy to a third-party wallet that verifies, shares the status entry, and is revoked with the certificate', async () => {
    // Last: it revokes the certificate the other tests use.
    const o = await offer();
    const result = await runWallet({ offerUrl: o.offerUrl, txCode: o.txCode! });
    expect(result.error).toBeUndefined();
    expect(result.format).toBe('jwt_vc_json');
    const jwks = createLocalJWKSet((await ctx.api.get('/.well-known/jwks.json')).body);
    const { payload } = await jwtVerify(result.credential!, jwks, { issuer: `${ctx.service.config.http.publicUrl}/issuer` });
    const copy = payload as unknown as { id: string; credentialSubject: { id: string; name: string }; credentialStatus: unknown };
    expect(copy.credentialSubject.id).toBe(result.did);
    expect(copy.credentialSubject.name).toBe('Wendy Wallet');
    const original = payloadOf(await (await learner.fetch(`/certificates/${certificateId}/credential.jwt`)).text());
    expect(copy.credentialStatus).toEqual(original.credentialStatus);
    expect(copy.id).not.toBe(original.id);

    const valid = await ctx.api.post('/verify', { credential: result.credential });
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ verdict: 'valid', certificateId });

    expect((await ctx.api.post(`/certificates/${certificateId}/invalidations`, { notes: 'academic misconduct' })).status).toBe(201);
    const revoked = await ctx.api.post('/verify', { credential: result.credential });
    expect(revoked.status).toBe(410);
    expect(revoked.body.verdict).toBe('revoked');
    // A revoked certificate is offered to no wallet.
    expect((await learner.post(`/certificates/${certificateId}/wallet-offers`, {})).status).toBe(410);
  }, 90_000);
});

describe('wallet offers expire', () => {
  const ctx = useService({ WALLET_OFFER_TTL: '1s' }, { worker: true });

  it('refuses an expired offer as invalid_grant', async () => {
    const courseId = uniqueCourseId('WalletTtl');
    await ctx.api.post('/courses', { id: courseId, title: 'Short offers', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.5 });
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: 'ttl-learner', email: `${courseId.slice(-8)}@example.org`, name: 'Tim Ttl', mode: 'verified' }] });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: 'ttl-learner', grade: 0.9 }] });
    await generateAfterCourseEnd(ctx.api, courseId);
    const certificateId = (await ctx.api.get(`/courses/${courseId}/certificates`)).body.certificates[0].id;
    const learner = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: 'ttl-learner' })));
    const o = (await learner.post(`/certificates/${certificateId}/wallet-offers`, { txCode: false })).body;
    await new Promise((r) => setTimeout(r, 1500));
    const response = await fetch(`${ctx.service.baseUrl}/oid4vci/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: PRE_AUTH, 'pre-authorized_code': o.offer.grants[PRE_AUTH]['pre-authorized_code'] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: 'the offer has expired' });
  }, 90_000);
});
