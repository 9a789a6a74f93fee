import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { deflateBomb, hostileRequests, inflatesPast, type HostileRequest } from '../bench/hostile-requests';
import { MAX_LOGO_SIDE } from '../apps/shared/documents/image-header';
import { uniqueCourseId, useService } from './helpers/service';

/** Longer than any of these takes once parsing is linear; the quadratic parsers took minutes. */
// Generous on purpose: the quadratic shapes took minutes; a loaded CI machine must not flake.
const HOSTILE_BUDGET_MS = 10_000;

/**
 * Every parser of outside input, sent its worst shapes at the largest size the API accepts:
 * each answer is a clear 4xx in the error shape, fast, and the service keeps answering.
 */
describe('hostile input gets a clear 4xx, quickly', () => {
  const ctx = useService({}, { worker: false });
  let courseId: string;
  let requests: HostileRequest[];

  const send = async (request: Pick<HostileRequest, 'method' | 'path' | 'contentType' | 'body' | 'signedIn'>) => {
    const started = performance.now();
    const init = { method: request.method, headers: { 'content-type': request.contentType, accept: 'application/json' }, body: request.body };
    const response = request.signedIn ? await ctx.api.fetch(request.path, init) : await fetch(`${ctx.service.baseUrl}${request.path}`, init);
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as { statusCode: number; code: string; message: string; fields?: Array<{ field: string; message: string }>; errorId: string }, ms: performance.now() - started };
  };

  beforeAll(async () => {
    courseId = uniqueCourseId('Hostile');
    const created = await ctx.api.post('/courses', { id: courseId, title: 'Parsers', pacing: 'self', startAt: new Date(Date.now() + 3_600_000).toISOString(), endAt: new Date(Date.now() + 86_400_000).toISOString(), passingGrade: 0.5, certificatesActive: false });
    expect(created.status).toBe(201);
    requests = hostileRequests(courseId);
  });

  it('the bodies are as large as allowed, and the bomb is a bomb', () => {
    expect(requests.length).toBeGreaterThanOrEqual(19);
    const largest = (type: string) => Math.max(...requests.filter((r) => r.contentType === type && r.status !== 413).map((r) => r.body.length));
    expect(largest('application/pdf')).toBeGreaterThan(5 * 1024 * 1024 - 100);
    expect(largest('image/png')).toBeGreaterThan(5 * 1024 * 1024 - 100);
    expect(largest('text/csv')).toBeGreaterThan(2 * 1024 * 1024 - 100);
    expect(inflatesPast(deflateBomb(64 * 1024), 50 * 1024 * 1024)).toBe(true);
  });

  // One test per shape: its name says which parser failed when one does.
  it.each(hostileRequests('course-v1:names+only+x').map((r) => [r.name, r.status] as const))('%s → %i', async (name, status) => {
    const request = requests.find((r) => r.name === name)!;
    const answer = await send(request);
    expect({ name, status: answer.status }).toEqual({ name, status });
    if ('verdict' in answer.body) {
      // A token that reaches the verifier is answered with its checks, the failed one last.
      expect(answer.body).toMatchObject({ verdict: 'invalid', failed: expect.any(String) });
    } else {
      expect(answer.body).toMatchObject({ statusCode: status, code: expect.any(String), message: expect.any(String), errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    }
    expect(answer.text.length).toBeLessThan(64 * 1024);
    expect(answer.ms).toBeLessThan(HOSTILE_BUDGET_MS);
  });

  it('names the reason: the PNG walk, the CSV limits and the logo field', async () => {
    const find = (name: string) => requests.find((r) => r.name === name)!;
    expect((await send(find('png: empty chunks'))).body.fields).toEqual([{ field: 'body', message: 'more than 4096 PNG chunks' }]);
    expect((await send(find('png: compressed credential bomb'))).body.message).toContain('does not inflate to a credential');
    expect((await send(find('pdf: deflate bomb'))).body.message).toContain('no credential found');
    expect((await send(find('csv: lines'))).body.fields).toEqual([{ field: 'body', message: 'at most 100001 lines per file' }]);
    expect((await send(find('csv: commas'))).body.fields).toEqual([{ field: 'line 2', message: 'at most 32 values per line' }]);
    const logo = await send(find('logo: PNG claiming 100000 × 100000 pixels'));
    expect(logo.body.fields).toEqual([{ field: 'body.certificateTemplate.logo', message: `the image is 100000 × 100000 pixels; at most ${MAX_LOGO_SIDE} × ${MAX_LOGO_SIDE}` }]);
    expect((await send(find('json: deep nesting'))).body).toMatchObject({ code: 'json_too_deep', message: 'the JSON body is nested deeper than 32 levels' });
    expect((await send(find('json: many members'))).body).toMatchObject({ code: 'json_too_many_members', message: 'a JSON object in the body has more than 1000 members' });
    const deepHeader = (await send(find('jws: deeply nested header'))).body as unknown as { failed: string; checks: Array<{ detail: string }> };
    expect(deepHeader.failed).toBe('header');
    expect(deepHeader.checks.at(-1)!.detail).toBe('protected header is nested deeper than 32 levels');
    expect((await send(find('pdf: over the upload limit'))).body).toMatchObject({ code: 'payload_too_large', message: 'the body is larger than the limit of 5 MB' });
    const tooLong = await send(find('jws: 2 MB credential'));
    expect(tooLong.body).toMatchObject({ statusCode: 413, code: 'payload_too_large', message: 'a credential is at most 16384 characters' });
  });

  it('stores a logo re-encoded as PNG, and the certificate preview draws it', async () => {
    const data = Buffer.alloc(300 * 120 * 4, 90);
    const logo = `data:image/jpeg;base64,${jpeg.encode({ width: 300, height: 120, data }, 85).data.toString('base64')}`;
    const patched = await ctx.api.patch(`/courses/${encodeURIComponent(courseId)}`, { certificateTemplate: { logo } });
    expect(patched.status).toBe(200);
    const stored = patched.body.certificateTemplate.logo as string;
    expect(stored).toMatch(/^data:image\/png;base64,/);
    expect(PNG.sync.read(Buffer.from(stored.split(',')[1], 'base64'))).toMatchObject({ width: 300, height: 120 });
    const preview = await ctx.api.fetch(`/courses/${encodeURIComponent(courseId)}/certificate-preview.pdf`);
    expect(preview.status).toBe(200);
    expect(Buffer.from(await preview.arrayBuffer()).toString('latin1')).toContain('/Subtype /Image');
  });

  it('still answers /health quickly after all of it', async () => {
    const started = performance.now();
    const health = await fetch(`${ctx.service.baseUrl}/health`, { headers: { accept: 'application/json' } });
    expect(health.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
