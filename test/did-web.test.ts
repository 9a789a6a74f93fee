import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Resolver } from 'did-resolver';
import { compactVerify, importJWK, type CryptoKey, type JWK } from 'jose';
import { getResolver } from 'web-did-resolver';
import { buildAchievementCredential } from '../apps/shared/credentials/achievement-credential';
import { signCredential } from '../apps/shared/credentials/sign-credential';
import { verifyCredentialToken } from '../apps/shared/credentials/verify-credential';
import { adminHeaders } from './helpers/auth';
import { httpClient, startService, uniqueCourseId, useService, type RunningService } from './helpers/service';

const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, any>;
const jwk = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });

/**
 * did:web always means https: the service runs behind a TLS front on localhost whose self-signed
 * certificate only this test process trusts, and PUBLIC_URL is that front, as in production.
 */
describe('did:web issuer (ISSUER_DID_WEB=true)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'did-web-'));
  let front: https.Server;
  let service: RunningService;
  let api: ReturnType<typeof httpClient>;
  let did: string;
  let previousCa: unknown;
  const retiredJwk = jwk();

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    let target = '';
    front = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (req, res) => {
      const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const port = (front.address() as AddressInfo).port;
    previousCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cert;
    // A retired key beside the active one: the DID document lists both.
    service = await startService({ ISSUER_DID_WEB: 'true', PUBLIC_URL: `https://localhost:${port}`, SIGNING_KEY: JSON.stringify({ keys: [jwk(), retiredJwk] }) });
    target = service.baseUrl;
    api = httpClient(service.baseUrl, await adminHeaders());
    did = `did:web:localhost%3A${port}`;
  });

  afterAll(async () => {
    https.globalAgent.options.ca = previousCa as string | undefined;
    await service?.stop();
    await new Promise((resolve) => front?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function issueCredential(): Promise<string> {
    const courseId = uniqueCourseId('DidWeb');
    expect((await api.post('/courses', { id: courseId, title: 'DID Web', pacing: 'self', endAt: new Date(Date.now() + 86_400_000).toISOString(), certificatesActive: true, passingGrade: 0.5 })).status).toBe(201);
    const learner = `d-${courseId.slice(-8)}`;
    await api.put(`/courses/${courseId}/enrollments`, { enrollments: [{ learnerId: learner, email: `${learner}@example.org`, name: 'DID Learner', mode: 'verified' }] });
    await api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: learner, grade: 0.9 }] });
    const { certificateId } = (await api.post(`/courses/${courseId}/learners/${learner}/certificate`)).body;
    const response = await api.fetch(`/certificates/${certificateId}/credential.jwt`);
    expect(response.status).toBe(200);
    return response.text();
  }

  it('resolves with did-resolver and web-did-resolver to a document listing every published key, active and retired', async () => {
    const { didDocument, didResolutionMetadata } = await new Resolver(getResolver()).resolve(did);
    expect(didResolutionMetadata.error).toBeUndefined();
    expect(didDocument?.id).toBe(did);
    const jwks = (await api.get('/.well-known/jwks.json')).body as { keys: Array<{ kid: string; x: string }> };
    expect(jwks.keys).toHaveLength(2);
    const methods = didDocument!.verificationMethod!;
    expect(methods.map((m) => m.id).sort()).toEqual(jwks.keys.map((k) => `${did}#${k.kid.split('/').pop()}`).sort());
    expect(methods.every((m) => m.type === 'JsonWebKey2020' && m.controller === did && !('d' in (m.publicKeyJwk ?? {})))).toBe(true);
    expect(didDocument!.assertionMethod).toEqual(methods.map((m) => m.id));
  });

  it('issues credentials whose issuer is the DID and whose key, resolved from the DID document, verifies the signature', async () => {
    const jws = await issueCredential();
    const header = decode(jws.split('.')[0]);
    const payload = decode(jws.split('.')[1]);
    expect(payload.issuer.id).toBe(did);
    expect(payload.iss).toBe(did);
    expect(header.kid).toMatch(new RegExp(`^${did}#[A-Za-z0-9_-]{43}$`));
    const { didDocument } = await new Resolver(getResolver()).resolve(did);
    const method = didDocument!.verificationMethod!.find((m) => m.id === header.kid);
    expect(didDocument!.assertionMethod).toContain(header.kid);
    const key = await importJWK(method!.publicKeyJwk as JWK, header.alg as string);
    expect((await compactVerify(jws, key)).protectedHeader.kid).toBe(header.kid);

    const verified = await api.post('/verify', { credential: jws });
    expect(verified.body.verdict).toBe('valid');
    // The status list names the same issuer and key.
    const list = await (await api.fetch(new URL(payload.credentialStatus.statusListCredential as string).pathname)).text();
    expect([decode(list.split('.')[1]).issuer.id, decode(list.split('.')[0]).kid]).toEqual([did, header.kid]);
    expect((await api.get('/issuer')).body.id).toBe(did);
  });

  it('refuses a kid of any other DID, even over our own key, and keeps verifying credentials issued before the switch', async () => {
    const jws = await issueCredential();
    const payload = decode(jws.split('.')[1]);
    const thumbprint = decode(jws.split('.')[0]).kid.split('#')[1];
    const publicUrl = service.config.http.publicUrl;
    const foreign = await signCredential({ ...payload, issuer: { ...payload.issuer, id: 'did:web:attacker.example' } } as never, service.keys.active);
    expect(decode(foreign.split('.')[0]).kid).toBe(`did:web:attacker.example#${thumbprint}`);
    const refused = await api.post('/verify', { credential: foreign });
    expect([refused.body.verdict, refused.body.failed]).toEqual(['invalid', 'key']);

    // Issued before ISSUER_DID_WEB: the Profile URL as issuer and the key URL as kid, signed by the retired key.
    const retired = [...service.keys.byKid.values()].find((k) => k.kid !== service.keys.active.kid)!;
    const before = buildAchievementCredential({ certificateId: payload.id.slice('urn:uuid:'.length), publicUrl, issuerName: 'Before', course: { id: 'c', title: 'Before', passingGrade: 0.5 }, learner: { id: 'l', name: 'L' }, issuedAt: new Date() });
    const old = await signCredential(before, { ...retired, privateKey: (await importJWK(retiredJwk as JWK, 'ES256')) as CryptoKey });
    expect(decode(old.split('.')[0]).kid).toBe(`${publicUrl}/keys/${retired.kid}`);
    expect(await verifyCredentialToken(old, { keys: service.keys, publicUrl })).toMatchObject({ verdict: 'valid', failed: null });
  });

  it('serves the DID document as application/did+json, as application/json on request, and only at the path did:web names', async () => {
    const byDefault = await api.fetch('/.well-known/did.json');
    expect(byDefault.headers.get('content-type')).toMatch(/^application\/did\+json/);
    const json = await api.fetch('/.well-known/did.json', { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { id: string }).id).toBe(did);
    expect((await api.fetch('/did.json')).status).toBe(404);
  });
});

describe('without ISSUER_DID_WEB', () => {
  const ctx = useService({}, { worker: false });

  it('has no DID document and keeps the Profile URL as issuer id', async () => {
    for (const route of ['/.well-known/did.json', '/did.json']) expect((await ctx.api.fetch(route)).status).toBe(404);
    expect((await ctx.api.get('/issuer')).body.id).toBe(`${ctx.service.baseUrl}/issuer`);
  });
});
