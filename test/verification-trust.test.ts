import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { buildAchievementCredential } from '../apps/shared/credentials/achievement-credential';
import { signCredential } from '../apps/shared/credentials/sign-credential';
import { keySetFromJwks, publicJwks } from '../apps/shared/credentials/signing-keys';
import { readStatusListCredential } from '../apps/shared/credentials/status-list';
import * as R from '../apps/api/src/common/response-schemas';
import { bearer, lmsToken } from './helpers/auth';
import { generateAfterCourseEnd } from './helpers/generation';
import { httpClient, useService, uniqueCourseId, waitFor } from './helpers/service';

const root = path.join(__dirname, '..');
const CLI = path.join(root, 'apps/cli/verify-document.ts');

/** The verifier as a user runs it, in its own process; asynchronous, since it calls the API served by this process. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', CLI, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString());

describe('verification that cannot be fooled', () => {
  const ctx = useService();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-'));
  const file = (name: string, content: string) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, content);
    return full;
  };
  let courseId: string;
  let id: (learner: string) => string;
  let certificateOf: (learner: string) => Promise<{ id: string; jws: string }>;
  let instructor: ReturnType<typeof httpClient>;
  const tag = () => courseId.slice(-8);

  // An attacker's issuer: its own key, its own published key set; it records every request it gets.
  let attacker: { origin: string; requests: string[]; server: http.Server; sign: (claims: Parameters<typeof buildAchievementCredential>[0]) => Promise<string> };

  beforeAll(async () => {
    const keys = await keySetFromJwks(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(publicJwks(keys)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    attacker = { origin, requests, server, sign: (input) => signCredential(buildAchievementCredential(input), keys.active) };

    courseId = uniqueCourseId('Trust');
    instructor = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'instructor', sub: `prof-${courseId.slice(-8)}`, courses: [courseId] })));
    const created = await ctx.api.post('/courses', {
      id: courseId,
      title: 'Trustworthy Systems',
      pacing: 'instructor',
      endAt: new Date(Date.now() + 2000).toISOString(),
      certificatesActive: true,
      passingGrade: 0.5,
      certificateShowsGrade: true,
    });
    expect(created.status).toBe(201);
    id = (learner: string) => `${learner}-${courseId.slice(-8)}`;
    const people = [
      ['ada', 'Ada Current', 0.9],
      ['cy', 'Cy Revoked', 0.8],
      ['dee', 'Dee Generic', 0.7],
    ] as const;
    await ctx.api.put(`/courses/${courseId}/enrollments`, { enrollments: people.map(([l, name]) => ({ learnerId: id(l), email: `${id(l)}@example.org`, name, mode: 'verified' })) });
    await ctx.api.put(`/courses/${courseId}/grades`, { grades: people.map(([l, , grade]) => ({ learnerId: id(l), grade })) });
    await generateAfterCourseEnd(ctx.api, courseId);
    certificateOf = async (learner: string) => {
      const row = await ctx.service.db.certificate.findUniqueOrThrow({ where: { courseId_learnerId: { courseId, learnerId: id(learner) } } });
      return { id: row.id, jws: row.jws! };
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => attacker?.server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the CLI refuses a forgery signed with an attacker's key naming the attacker's issuer, without asking that issuer anything", async () => {
    const genuine = payloadOf((await certificateOf('ada')).jws);
    const forged = await attacker.sign({
      certificateId: genuine.id.replace('urn:uuid:', ''),
      publicUrl: attacker.origin,
      issuerName: 'Trustworthy Systems',
      course: { id: courseId, title: 'Trustworthy Systems', passingGrade: 0.5 },
      learner: { id: id('ada'), name: 'Mallory Forger' },
      issuedAt: new Date(),
    });
    const refused = await runCli([file('forged.jwt', forged), '--issuer', ctx.service.baseUrl]);
    expect(refused.stdout).toContain(`issuer: the credential names ${attacker.origin}, not ${ctx.service.baseUrl}`);
    expect(refused.stdout).toMatch(/^INVALID$/m);
    expect(refused.stdout).toContain('✘ key');
    expect(refused.code).toBe(1);
    expect(attacker.requests).toEqual([]);

    // The same forgery checked against the issuer it names would pass the signature: trust is what --issuer says, not the token.
    const againstAttacker = await runCli([file('forged2.jwt', forged), '--issuer', attacker.origin]);
    expect(againstAttacker.stdout).toContain('✔ signature');
    expect(attacker.requests).toContain('/.well-known/jwks.json');
  });

  it('the CLI trusts the configured PUBLIC_URL by default: our credential is VALID there, and refused when another issuer is configured', async () => {
    const ada = await certificateOf('ada');
    const credential = file('ada.jwt', ada.jws);
    const trusted = await runCli([credential], { PUBLIC_URL: ctx.service.config.http.publicUrl });
    expect(trusted.stdout).toContain(`issuer: trusting ${ctx.service.config.http.publicUrl} only`);
    expect(trusted.stdout).toContain('VALID: Ada Current — Trustworthy Systems');
    expect(trusted.stdout).toMatch(/✔ revocation: .*\/status\/\d+, index \d+: bit not set; the list is valid until/);
    expect(trusted.stdout).toContain('✔ current:');
    expect(trusted.code).toBe(0);

    const other = await runCli([credential], { PUBLIC_URL: attacker.origin });
    expect(other.stdout).toMatch(/^INVALID$/m);
    expect(other.code).toBe(1);
  });

  it('a credential replaced by a re-signed one answers superseded, with a link to the current one (JSON 409, page, CLI)', async () => {
    const before = await certificateOf('ada');
    expect(payloadOf(before.jws).credentialSubject.result[0].value).toBe('90');
    // A regrade lowers the grade; regenerating re-signs the certificate under the same public id.
    expect((await ctx.api.put(`/courses/${courseId}/grades`, { grades: [{ learnerId: id('ada'), grade: 0.6 }] })).status).toBe(200);
    const task = await instructor.post(`/courses/${courseId}/generation-tasks`, { kind: 'regenerate', groups: ['downloadable'] });
    expect(task.status).toBe(202);
    await waitFor('the regeneration', async () => ['succeeded', 'failed'].includes((await ctx.api.get(`/generation-tasks/${task.body.id}`)).body.state));
    const after = await certificateOf('ada');
    expect(after.id).toBe(before.id);
    expect(after.jws).not.toBe(before.jws);
    expect(payloadOf(after.jws).credentialSubject.result[0].value).toBe('60');
    const verifyUrl = `${ctx.service.config.http.publicUrl}/verify/${before.id}`;

    const old = await ctx.api.post('/verify', { credential: before.jws });
    expect(old.status).toBe(409);
    expect(old.body).toMatchObject({ verdict: 'superseded', certificateId: before.id, failed: 'record', current: { verifyUrl } });
    expect(old.body.learner).toBeUndefined();
    expect(R.verificationResponse.safeParse(old.body).success).toBe(true);
    expect((await ctx.api.post('/verify', { credential: after.jws })).body.verdict).toBe('valid');
    const current = await ctx.api.get(`/verify/${before.id}`);
    expect([current.status, current.body.verdict]).toEqual([200, 'valid']);

    const page = await fetch(`${ctx.service.baseUrl}/verify`, { method: 'POST', headers: { 'content-type': 'application/jwt', accept: 'text/html' }, body: before.jws });
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain('<h1>SUPERSEDED</h1>');
    expect(html).toContain(`<a href="${verifyUrl}">`);

    const cli = await runCli([file('old.jwt', before.jws), '--issuer', ctx.service.baseUrl]);
    expect(cli.stdout).toMatch(/^SUPERSEDED: Ada Current — Trustworthy Systems/m);
    expect(cli.stdout).toContain(`check the current one at ${verifyUrl}`);
    expect(cli.code).toBe(1);
    // Offline, the CLI cannot know and says so.
    const jwks = file('jwks.json', JSON.stringify((await ctx.api.get('/.well-known/jwks.json')).body));
    const offline = await runCli([file('old2.jwt', before.jws), '--issuer', ctx.service.baseUrl, '--jwks', jwks]);
    expect(offline.stdout).toContain('VALID');
    expect(offline.stdout).toContain('revocation: not checked offline');
  });

  it('status list credentials carry validUntil = validFrom + STATUS_LIST_TTL, and Cache-Control never outlives it', async () => {
    const entry = payloadOf((await certificateOf('dee')).jws).credentialStatus;
    const response = await fetch(entry.statusListCredential);
    expect(response.status).toBe(200);
    const jws = await response.text();
    const list = payloadOf(jws);
    expect(Date.parse(list.validUntil) - Date.parse(list.validFrom)).toBe(ctx.service.config.signing.statusListTtlMs);
    expect(list.exp).toBe(Date.parse(list.validUntil) / 1000);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeLessThanOrEqual((Date.parse(list.validUntil) - Date.now()) / 1000 + 1);
    const reading = await readStatusListCredential(jws, { keys: ctx.service.keys, publicUrl: ctx.service.config.http.publicUrl, url: entry.statusListCredential });
    expect(reading.ok).toBe(true);
    const stale = await readStatusListCredential(jws, { keys: ctx.service.keys, publicUrl: ctx.service.config.http.publicUrl, url: entry.statusListCredential, now: new Date(Date.parse(list.validUntil) + 120_000) });
    expect(stale).toMatchObject({ ok: false, reason: expect.stringContaining('a stale copy') });
  });

  it('the verification page and JSON show the public reason, or a generic sentence, and never the internal notes', async () => {
    const cy = await certificateOf('cy');
    const notes = `Internal: reported by TA ${tag()} in case 42`;
    const publicReason = 'Revoked after an academic integrity review.';
    expect((await instructor.post(`/certificates/${cy.id}/invalidations`, { notes, publicReason: 'x'.repeat(301) })).body.fields[0].field).toBe('body.publicReason');
    expect((await instructor.post(`/certificates/${cy.id}/invalidations`, { notes, publicReason: '  ' })).status).toBe(400);
    const created = await instructor.post(`/certificates/${cy.id}/invalidations`, { notes, publicReason });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ notes, publicReason, invalidatedBy: `prof-${tag()}` });

    const json = await ctx.api.get(`/verify/${cy.id}`);
    expect(json.body).toMatchObject({ verdict: 'revoked', revocation: { reason: publicReason } });
    const presented = await ctx.api.post('/verify', { credential: cy.jws });
    expect([presented.status, presented.body.revocation?.reason]).toEqual([410, publicReason]);
    const page = await (await fetch(`${ctx.service.baseUrl}/verify/${cy.id}`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(publicReason);
    const cli = await runCli([file('cy.jwt', cy.jws), '--issuer', ctx.service.baseUrl]);
    expect(cli.stdout).toMatch(/^REVOKED: Cy Revoked/m);
    expect(cli.stdout).toContain(publicReason);
    expect(cli.code).toBe(1);
    for (const body of [JSON.stringify(json.body), JSON.stringify(presented.body), page, cli.stdout]) {
      expect(body).not.toContain('case 42');
      expect(body).not.toContain(`prof-${tag()}`);
    }

    const dee = await certificateOf('dee');
    await instructor.post(`/certificates/${dee.id}/invalidations`, { notes: `Internal only ${tag()}` });
    const generic = await ctx.api.get(`/verify/${dee.id}`);
    expect(generic.body.revocation.reason).toBe('The issuer has revoked this certificate.');
    expect(JSON.stringify(generic.body)).not.toContain('Internal only');
  });

  it("a learner's answers and pages name no staff member and carry no internal notes; staff still see both", async () => {
    const ada = await certificateOf('ada');
    await instructor.post(`/certificates/${ada.id}/invalidations`, { notes: `Checked by hand ${tag()}`, publicReason: 'Under review.' });
    await instructor.post(`/certificates/${ada.id}/reinstatement`, {});
    const learner = httpClient(ctx.service.baseUrl, bearer(await lmsToken({ role: 'learner', sub: id('ada'), name: 'Ada Current' })));
    const staffName = `prof-${tag()}`;

    const own = await learner.get(`/certificates/${ada.id}`);
    expect(own.status).toBe(200);
    expect(own.body.invalidations).toEqual([expect.objectContaining({ publicReason: 'Under review.', active: false, reinstatedAt: expect.any(String) })]);
    expect(R.certificateResponse.safeParse(own.body).success).toBe(true);
    const answers = [
      own,
      await learner.get('/me'),
      await learner.get(`/certificates/${ada.id}/share`),
      await learner.get(`/courses/${courseId}/learners/${id('ada')}/progress`),
      await learner.get('/app/learner', { accept: 'text/html' }),
      await learner.get(`/app/courses/${encodeURIComponent(courseId)}/progress`, { accept: 'text/html' }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      expect(text).not.toContain(staffName);
      expect(text).not.toContain('Checked by hand');
      expect(text).not.toMatch(/invalidatedBy|reinstatedBy|grantedBy|requestedBy/);
    }

    const staff = await instructor.get(`/certificates/${ada.id}`);
    expect(staff.body.invalidations[0]).toMatchObject({ notes: `Checked by hand ${tag()}`, invalidatedBy: staffName, reinstatedBy: staffName, publicReason: 'Under review.' });
  });
});
