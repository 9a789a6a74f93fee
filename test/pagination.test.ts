/**
 * Every list of a course comes a bounded page at a time, through the public API: walking every
 * page gives each row exactly once, even while rows are added between pages (keyset paging), and
 * the instructor's Certificates page shows one page of each list with a link to the next.
 */
import { generateAfterCourseEnd } from './helpers/generation';
import { uniqueCourseId, useService, waitFor } from './helpers/service';

const PASSING = 160;
const FAILING = 40;

describe('paged lists of a course', () => {
  const ctx = useService();
  let courseId: string;
  let tag: string;
  const username = (i: number) => `${tag}-Pg-${String(i).padStart(3, '0')}`;
  const email = (i: number) => `Mail${i}.${tag}@Example.org`;
  const path = (list: string) => `/courses/${courseId}/${list}`;

  /** Every page of a list, `limit` at a time; `between` runs after each page but the last. */
  async function walk<T>(list: string, key: string, limit: number, between?: (page: number) => Promise<void>): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; ; page++) {
      const separator = list.includes('?') ? '&' : '?';
      const answer: { status: number; body: Record<string, unknown> & { nextCursor: string | null } } = await ctx.api.get(`${path(list)}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(answer.status).toBe(200);
      const items = answer.body[key] as T[];
      expect(items.length).toBeLessThanOrEqual(limit);
      rows.push(...items);
      cursor = answer.body.nextCursor;
      if (cursor === null) return rows;
      expect(items).toHaveLength(limit);
      await between?.(page);
    }
  }

  const expectNoDuplicates = (keys: string[]) => expect(new Set(keys).size).toBe(keys.length);

  const enroll = async (from: number, to: number, grade: number) => {
    const ids = Array.from({ length: to - from }, (_, k) => from + k);
    expect((await ctx.api.put(path('enrollments'), { enrollments: ids.map((i) => ({ learnerId: username(i), email: email(i), name: `Learner ${i}`, mode: 'verified' })) })).status).toBe(200);
    expect((await ctx.api.put(path('grades'), { grades: ids.map((i) => ({ learnerId: username(i), grade })) })).status).toBe(200);
  };

  const importExceptions = async (ids: number[]) => {
    const answer = await ctx.api.raw('POST', `${path('exceptions/import')}`, ids.map((i) => `${username(i)},paged ${i}`).join('\n'), { 'content-type': 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.body.added).toBe(ids.length);
  };

  const certificateIds = new Map<string, string>();

  beforeAll(async () => {
    courseId = uniqueCourseId('Paging');
    tag = courseId.slice(-8);
    const created = await ctx.api.post('/courses', { id: courseId, title: 'Paged course', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.6 });
    expect(created.status).toBe(201);
    await enroll(0, PASSING, 0.9);
    await enroll(PASSING, PASSING + FAILING, 0.2);
    await generateAfterCourseEnd(ctx.api, courseId);
    for (const c of await walk<{ id: string; learnerId: string }>('certificates', 'certificates', 500)) certificateIds.set(c.learnerId, c.id);
    expect(certificateIds.size).toBe(PASSING + FAILING);
  }, 120_000);

  it('certificates: every page once, in username order, with rows added between pages', async () => {
    const before = [...certificateIds.keys()];
    let added = false;
    const rows = await walk<{ learnerId: string }>('certificates', 'certificates', 30, async (page) => {
      if (page !== 1 || added) return;
      added = true;
      // New learners issued between pages: usernames before and after the cursor.
      await enroll(PASSING + FAILING, PASSING + FAILING + 10, 0.9);
      const task = await ctx.api.post(path('generation-tasks'), { kind: 'all_learners' });
      expect(task.status).toBe(202);
      await waitFor('the second generation', async () => ((await ctx.api.get(`/generation-tasks/${task.body.id}`)).body.state === 'succeeded' ? true : null), 60_000);
    });
    const keys = rows.map((r) => r.learnerId);
    expectNoDuplicates(keys);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const learner of before) expect(keys).toContain(learner);
    // Rows added behind the cursor are not seen; rows ahead of it are.
    expect(keys.length).toBeGreaterThanOrEqual(before.length);
    expect(keys.length).toBeLessThanOrEqual(before.length + 10);
    const all = await walk<{ learnerId: string }>('certificates', 'certificates', 500);
    expect(all).toHaveLength(PASSING + FAILING + 10);
  }, 120_000);

  it('certificates: filter by status and search by username or email prefix, case-insensitively', async () => {
    const failing = await walk<{ learnerId: string; status: string }>('certificates?status=notpassing', 'certificates', 15);
    expect(failing.map((c) => c.learnerId).sort()).toEqual(Array.from({ length: FAILING }, (_, k) => username(PASSING + k)).sort());
    expect(failing.every((c) => c.status === 'notpassing')).toBe(true);

    // Learners 010 to 019, by an upper-cased username prefix, two pages of 6.
    const byUsername = await walk<{ learnerId: string }>(`certificates?search=${encodeURIComponent(`${tag}-PG-01`.toUpperCase())}`, 'certificates', 6);
    expect(byUsername.map((c) => c.learnerId)).toEqual(Array.from({ length: 10 }, (_, k) => username(10 + k)));

    // Learner 12 and 120 to 129 by email prefix; "%" and "_" are taken literally.
    const byEmail = await walk<{ learnerId: string }>(`certificates?search=${encodeURIComponent(`MAIL12`)}`, 'certificates', 500);
    expect(byEmail.map((c) => c.learnerId).sort()).toEqual([12, ...Array.from({ length: 10 }, (_, k) => 120 + k)].map(username).sort());
    expect((await ctx.api.get(`${path('certificates')}?search=${encodeURIComponent('%')}`)).body).toEqual({ certificates: [], nextCursor: null });
    expect((await ctx.api.get(`${path('certificates')}?search=${encodeURIComponent(`mail1_.${tag}`)}`)).body.certificates).toEqual([]);

    // Both at once: learners 170 to 179 fail; none of them is issued.
    const both = await walk<{ learnerId: string }>(`certificates?status=notpassing&search=${encodeURIComponent(`${tag}-pg-17`)}`, 'certificates', 4);
    expect(both.map((c) => c.learnerId)).toEqual(Array.from({ length: 10 }, (_, k) => username(170 + k)));
    expect((await ctx.api.get(`${path('certificates')}?status=downloadable&search=${encodeURIComponent(`${tag}-pg-17`)}`)).body.certificates).toEqual([]);
    const exact = await ctx.api.get(`${path('certificates')}?learner=${encodeURIComponent(email(7).toLowerCase())}`);
    expect(exact.body.certificates.map((c: { learnerId: string }) => c.learnerId)).toEqual([username(7)]);
  });

  it('certificates: a search matching over a thousand learners walks the course and still finds each of them once, in order', async () => {
    const wideCourse = uniqueCourseId('Wide');
    const wide = wideCourse.slice(-8);
    const learner = (i: number) => `${wide}-Wide-${String(i).padStart(4, '0')}`;
    expect((await ctx.api.post('/courses', { id: wideCourse, title: 'Wide search', pacing: 'instructor', endAt: new Date(Date.now() + 1000).toISOString(), certificatesActive: true, passingGrade: 0.6 })).status).toBe(201);
    const count = 1100;
    const ids = Array.from({ length: count }, (_, i) => i);
    expect((await ctx.api.put(`/courses/${wideCourse}/enrollments`, { enrollments: ids.map((i) => ({ learnerId: learner(i), email: `wide${i}.${wide}@example.org`, name: `Wide ${i}`, mode: 'verified' })) })).status).toBe(200);
    expect((await ctx.api.put(`/courses/${wideCourse}/grades`, { grades: ids.map((i) => ({ learnerId: learner(i), grade: i % 2 ? 0.9 : 0.1 })) })).status).toBe(200);
    await generateAfterCourseEnd(ctx.api, wideCourse);
    const searchAll = async (query: string, limit: number) => {
      const found: Array<{ learnerId: string; status: string }> = [];
      let cursor: string | null = null;
      do {
        const answer: { status: number; body: { certificates: Array<{ learnerId: string; status: string }>; nextCursor: string | null } } = await ctx.api.get(`/courses/${wideCourse}/certificates?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(answer.status).toBe(200);
        found.push(...answer.body.certificates);
        cursor = answer.body.nextCursor;
      } while (cursor);
      return found;
    };
    // 1,100 learners start with the prefix: more than are looked up one by one.
    const everyone = await searchAll(`search=${encodeURIComponent(`${wide}-wide-`)}`, 100);
    expect(everyone.map((c) => c.learnerId)).toEqual(ids.map(learner));
    const passing = await searchAll(`status=downloadable&search=${encodeURIComponent(`${wide}-WIDE-`)}`, 75);
    expect(passing.map((c) => c.learnerId)).toEqual(ids.filter((i) => i % 2).map(learner));
    // A narrow one among them is looked up.
    expect((await searchAll(`search=${encodeURIComponent(`${wide}-wide-107`)}`, 3)).map((c) => c.learnerId)).toEqual(Array.from({ length: 10 }, (_, k) => learner(1070 + k)));
    expect((await searchAll(`learner=${encodeURIComponent(`WIDE7.${wide}@example.org`)}`, 5)).map((c) => c.learnerId)).toEqual([learner(7)]);
    // A learner named exactly must also match a search given with it.
    expect(await searchAll(`learner=${encodeURIComponent(learner(7))}&search=${encodeURIComponent(`${wide}-wide-1`)}`, 5)).toEqual([]);
    expect((await searchAll(`learner=${encodeURIComponent(learner(7))}&search=${encodeURIComponent(`${wide}-wide-000`)}`, 5)).map((c) => c.learnerId)).toEqual([learner(7)]);
  }, 120_000);

  it('exceptions: every page once, in the order added, with learners added between pages', async () => {
    const first = Array.from({ length: 120 }, (_, i) => i);
    await importExceptions(first);
    const later = Array.from({ length: 10 }, (_, k) => PASSING + k);
    let added = false;
    const rows = await walk<{ learnerId: string }>('exceptions', 'exceptions', 25, async (page) => {
      if (page !== 1 || added) return;
      added = true;
      await importExceptions(later);
    });
    const keys = rows.map((r) => r.learnerId);
    expectNoDuplicates(keys);
    // Added later means after every cursor: the walk ends with them.
    expect(keys.sort()).toEqual([...first, ...later].map(username).sort());
  }, 60_000);

  it('invalidations: every page once, newest first; certificates invalidated behind the cursor are not repeated', async () => {
    const invalidate = async (i: number) => {
      const answer = await ctx.api.post(`/certificates/${certificateIds.get(username(i))}/invalidations`, { notes: `paged ${i}` });
      expect(answer.status).toBe(201);
    };
    const first = Array.from({ length: 45 }, (_, i) => 50 + i);
    for (const i of first) await invalidate(i);
    let added = false;
    const rows = await walk<{ certificateId: string; learner: { id: string }; invalidatedAt: string }>('invalidations', 'invalidations', 20, async (page) => {
      if (page !== 0 || added) return;
      added = true;
      for (const i of [100, 101, 102]) await invalidate(i);
    });
    const keys = rows.map((r) => r.learner.id);
    expectNoDuplicates(keys);
    expect(keys.sort()).toEqual(first.map(username).sort());
    const times = rows.map((r) => Date.parse(r.invalidatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await walk('invalidations', 'invalidations', 500)).length).toBe(48);
  }, 60_000);

  it('generation history: every page once, newest first, with tasks requested between pages', async () => {
    const request = async () => {
      const task = await ctx.api.post(path('generation-tasks'), { kind: 'exceptions_missing' });
      expect(task.status).toBe(202);
      return task.body.id as string;
    };
    for (let i = 0; i < 8; i++) await request();
    const before = (await walk<{ id: string }>('generation-tasks', 'tasks', 500)).map((t) => t.id);
    let added = false;
    const rows = await walk<{ id: string }>('generation-tasks', 'tasks', 4, async () => {
      if (added) return;
      added = true;
      await request();
    });
    const keys = rows.map((t) => t.id);
    expectNoDuplicates(keys);
    expect(keys).toEqual(before);
  }, 60_000);

  it('a bad limit or cursor answers 400 naming the parameter', async () => {
    for (const limit of ['0', '501', 'ten', '2.5']) {
      const answer = await ctx.api.get(`${path('certificates')}?limit=${limit}`);
      expect(answer.status).toBe(400);
      expect(answer.body.fields.map((f: { field: string }) => f.field)).toEqual(['query.limit']);
    }
    const certificatesCursor = (await ctx.api.get(`${path('certificates')}?limit=1`)).body.nextCursor as string;
    const cursors = ['not a cursor', Buffer.from('["a","b","c"]').toString('base64url'), Buffer.from('{}').toString('base64url'), certificatesCursor];
    for (const list of ['exceptions', 'invalidations', 'generation-tasks']) {
      for (const cursor of cursors) {
        const answer = await ctx.api.get(`${path(list)}?cursor=${encodeURIComponent(cursor)}`);
        expect(answer.status).toBe(400);
        expect(answer.body.fields.map((f: { field: string }) => f.field)).toEqual(['query.cursor']);
      }
    }
    const bad = await ctx.api.get(`${path('certificates')}?cursor=${encodeURIComponent('%%%')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['query.cursor']);
    expect((await ctx.api.get(`${path('certificates')}?status=issued`)).status).toBe(400);
  });

  it('the Certificates page shows counts and one page of exceptions with a link to the next', async () => {
    const page = async (url: string) => {
      const answer = await ctx.api.fetch(url, { headers: { accept: 'text/html' } });
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const rowsOf = (html: string) => [...html.matchAll(/\/exceptions\/([^/"]+)\/removal/g)].map((m) => decodeURIComponent(m[1]!));
    const first = await page(`/app/courses/${encodeURIComponent(courseId)}/certificates`);
    expect(first).toContain('Exception list <span class="muted small">(130)</span>');
    expect(first).toContain('Invalidated certificates <span class="muted small">(48)</span>');
    expect(rowsOf(first)).toHaveLength(50);
    const next = /<a [^>]*data-next-page="exceptions" href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await page(next!);
    expect(rowsOf(second)).toHaveLength(50);
    expect(rowsOf(second).filter((learner) => rowsOf(first).includes(learner))).toEqual([]);
    const bad = await ctx.api.fetch(`/app/courses/${encodeURIComponent(courseId)}/certificates?exceptions=nonsense`, { headers: { accept: 'text/html' } });
    expect(bad.status).toBe(400);
  });
});
