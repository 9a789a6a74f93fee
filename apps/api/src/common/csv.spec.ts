import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { PayloadTooLargeError, ValidationError } from './errors';
import { MAX_CSV_FIELDS, MAX_CSV_RECORDS, MAX_CSV_VALUE_LENGTH, readCsvBatches, readCsvBody, STREAMED_CSV_ROUTE, type CsvLimits, type CsvRecord } from './csv';

/** Every record the reader yields, as the imports see them. */
async function collect(source: Parameters<typeof readCsvBatches>[0], limits?: CsvLimits): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const batch of readCsvBatches(source, limits)) records.push(...batch);
  return records;
}
const parseCsv = (text: string, limits?: CsvLimits) => collect(text, limits);

describe('readCsvBatches', () => {
  it('keeps the line number of each record, skipping blank lines', async () => {
    expect(await parseCsv('learner,notes\r\nada,late enrolment\n\nalan,\n')).toEqual([
      { line: 1, fields: ['learner', 'notes'] },
      { line: 2, fields: ['ada', 'late enrolment'] },
      { line: 4, fields: ['alan', ''] },
    ]);
  });

  it('reads quoted fields with commas, quotes and line breaks', async () => {
    expect(await parseCsv('"grace@example.org","medical, documented ""twice""\nsee file"\nlinus,ok')).toEqual([
      { line: 1, fields: ['grace@example.org', 'medical, documented "twice"\nsee file'] },
      { line: 3, fields: ['linus', 'ok'] },
    ]);
  });
});

describe('readCsvBatches on hostile files', () => {
  const timed = async (text: string) => {
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = await parseCsv(text);
    } catch (error) {
      outcome = error;
    }
    return { ms: performance.now() - started, outcome };
  };

  it('reads or refuses half a megabyte of quotes in linear time, naming the line', async () => {
    // Checking for blanks by trimming the growing field once took 35 s for 160 KB of these, and 4 times more for each doubling.
    for (const text of ['a' + '"'.repeat(500_000), ' a' + '"'.repeat(500_000), '"'.repeat(500_000), 'x,"' + '""'.repeat(250_000)]) {
      const { ms, outcome } = await timed(text);
      expect(outcome instanceof Array || outcome instanceof ValidationError).toBe(true);
      expect(ms).toBeLessThan(5_000);
    }
    expect(await parseCsv('a"b,"c"')).toEqual([{ line: 1, fields: ['a"b', 'c'] }]);
    expect(await parseCsv('  "quoted, after blanks"')).toEqual([{ line: 1, fields: ['quoted, after blanks'] }]);
    const unterminated = (await timed('"a""b",c\n"unterminated, to the end\nof the file')).outcome as ValidationError;
    expect(unterminated.fields).toEqual([{ field: 'line 3', message: 'a quoted value is not closed' }]);
    const long = (await timed(`learner,notes\nada,${'x'.repeat(MAX_CSV_VALUE_LENGTH + 1)}`)).outcome as ValidationError;
    expect(long.fields).toEqual([{ field: 'line 2', message: `a value is longer than ${MAX_CSV_VALUE_LENGTH} characters` }]);
  });

  it('refuses a file with too many lines or values, naming where', async () => {
    const lines = await timed('a\n'.repeat(MAX_CSV_RECORDS + 1));
    expect(lines.outcome).toBeInstanceOf(ValidationError);
    expect((lines.outcome as ValidationError).fields).toEqual([{ field: 'body', message: `at most ${MAX_CSV_RECORDS} lines per file` }]);
    expect(lines.ms).toBeLessThan(5_000);

    const values = await timed(`learner,notes\n${','.repeat(1_000_000)}`);
    expect((values.outcome as ValidationError).fields).toEqual([{ field: 'line 2', message: `at most ${MAX_CSV_FIELDS} values per line` }]);
    expect(await parseCsv('a,b,c', { maxFields: 3 })).toEqual([{ line: 1, fields: ['a', 'b', 'c'] }]);
    await expect(parseCsv('a\nb\nc', { maxRecords: 2 })).rejects.toThrow(ValidationError);
    expect(await parseCsv('a\n\n\nb', { maxRecords: 2 })).toHaveLength(2);
  });
});

describe('readCsvBatches from a byte stream', () => {
  it('streams the same records from a text or a byte stream', async () => {
    const text = 'learner,notes\r\nada,"late, enrolment"\n\nalan,\n';
    expect(await collect(Readable.from([Buffer.from(text)]))).toEqual(await collect(text));
    expect(await collect(Readable.from([Buffer.from('a,b\n"c\n'), Buffer.from('d",e\n')]))).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c\nd', 'e'] },
    ]);
  });

  it('stops at the limits', async () => {
    await expect(collect('a\nb\nc', { maxRecords: 2 })).rejects.toEqual(new ValidationError([{ field: 'body', message: 'at most 2 lines per file' }]));
    await expect(collect('a,b,c', { maxFields: 2 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('readCsvBody', () => {
  /** A request as the server sees it: a byte stream with headers, which may still be arriving. */
  const request = (chunks: Buffer[], headers: Record<string, string> = {}) =>
    Object.assign(Readable.from(chunks, { objectMode: false }), { headers: { 'content-type': 'text/csv', ...headers } }) as unknown as IncomingMessage;
  const collect = async (body: IncomingMessage, limits?: Parameters<typeof readCsvBody>[1]) => {
    const records = [];
    for await (const batch of readCsvBody(body, limits)) records.push(...batch);
    return records;
  };

  it('reads records in batches, with a byte-order mark, in another charset or compressed', async () => {
    expect(await collect(request([Buffer.from('\ufeffname,notes\n'), Buffer.from('ada,"late"\n')]))).toEqual([
      { line: 1, fields: ['name', 'notes'] },
      { line: 2, fields: ['ada', 'late'] },
    ]);
    expect(await collect(request([Buffer.from('Zoë,ok', 'latin1')], { 'content-type': 'text/csv; charset=ISO-8859-1' }))).toEqual([{ line: 1, fields: ['Zoë', 'ok'] }]);
    expect(await collect(request([gzipSync('a,b\nc,d')], { 'content-encoding': 'gzip' }))).toHaveLength(2);
  });

  it('refuses a body over its limit, declared or counted as it arrives, and reads off the rest', async () => {
    const declared = request([Buffer.from('a\n'.repeat(100))], { 'content-length': '200' });
    await expect(collect(declared, { maxBytes: 100 })).rejects.toEqual(new PayloadTooLargeError('the body is larger than the limit of 100 bytes'));
    expect(declared.readableEnded).toBe(true);
    const chunked = request(Array.from({ length: 64 }, () => Buffer.from('a,b\n'.repeat(256))));
    await expect(collect(chunked, { maxBytes: 16 * 1024 })).rejects.toEqual(new PayloadTooLargeError('the body is larger than the limit of 16 KB'));
    expect(chunked.readableEnded).toBe(true);
    // A bomb is counted by what it inflates to.
    await expect(collect(request([gzipSync(Buffer.alloc(1024 * 1024, 'a'))], { 'content-encoding': 'gzip' }), { maxBytes: 1024 })).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  it('refuses what it cannot decode', async () => {
    await expect(collect(request([Buffer.from('a')], { 'content-type': 'text/csv; charset=koi8-r' }))).rejects.toBeInstanceOf(UnsupportedMediaTypeException);
    await expect(collect(request([Buffer.from('a')], { 'content-encoding': 'compress' }))).rejects.toBeInstanceOf(UnsupportedMediaTypeException);
    await expect(collect(request([Buffer.from('not gzip')], { 'content-encoding': 'gzip' }))).rejects.toMatchObject({ fields: [{ field: 'body', message: expect.stringContaining('the body does not inflate') }] });
  });

  it('knows the routes that read their own CSV', () => {
    expect(STREAMED_CSV_ROUTE.test('/courses/course-v1%3AX%2BY%2B1/imports/grades')).toBe(true);
    expect(STREAMED_CSV_ROUTE.test('/courses/c/exceptions/import?grantedBy=prof')).toBe(true);
    expect(STREAMED_CSV_ROUTE.test('/courses/c/exceptions')).toBe(false);
    expect(STREAMED_CSV_ROUTE.test('/courses/c/imports/grades/more')).toBe(false);
  });
});
