import { ValidationError } from './errors';
import { MAX_CSV_FIELDS, MAX_CSV_RECORDS, parseCsv } from './csv';

describe('parseCsv', () => {
  it('keeps the line number of each record, skipping blank lines', () => {
    expect(parseCsv('learner,notes\r\nada,late enrolment\n\nalan,\n')).toEqual([
      { line: 1, fields: ['learner', 'notes'] },
      { line: 2, fields: ['ada', 'late enrolment'] },
      { line: 4, fields: ['alan', ''] },
    ]);
  });

  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('"grace@example.org","medical, documented ""twice""\nsee file"\nlinus,ok')).toEqual([
      { line: 1, fields: ['grace@example.org', 'medical, documented "twice"\nsee file'] },
      { line: 3, fields: ['linus', 'ok'] },
    ]);
  });
});

describe('parseCsv on hostile files', () => {
  const timed = (text: string) => {
    const started = performance.now();
    let outcome: unknown;
    try {
      outcome = parseCsv(text);
    } catch (error) {
      outcome = error;
    }
    return { ms: performance.now() - started, outcome };
  };

  it('reads half a megabyte of quotes after a value in linear time', () => {
    // Checking for blanks by trimming the growing field took 35 s for 160 KB of these, and 4 times more for each doubling.
    for (const text of ['a' + '"'.repeat(500_000), ' a' + '"'.repeat(500_000), '"'.repeat(500_000), 'x,"' + '""'.repeat(250_000)]) {
      const { ms, outcome } = timed(text);
      expect(outcome).toBeInstanceOf(Array);
      expect(ms).toBeLessThan(5_000);
    }
    expect(parseCsv('a"b,"c"')).toEqual([{ line: 1, fields: ['a"b', 'c'] }]);
    expect(parseCsv('  "quoted, after blanks"')).toEqual([{ line: 1, fields: ['quoted, after blanks'] }]);
    expect(parseCsv('"a""b",c\n"unterminated, to the end\nof the file')).toEqual([
      { line: 1, fields: ['a"b', 'c'] },
      { line: 2, fields: ['unterminated, to the end\nof the file'] },
    ]);
  });

  it('refuses a file with too many lines or values, naming where', () => {
    const lines = timed('a\n'.repeat(1_000_000));
    expect(lines.outcome).toBeInstanceOf(ValidationError);
    expect((lines.outcome as ValidationError).fields).toEqual([{ field: 'body', message: `at most ${MAX_CSV_RECORDS} lines per file` }]);
    expect(lines.ms).toBeLessThan(5_000);

    const values = timed(`learner,notes\n${','.repeat(1_000_000)}`);
    expect((values.outcome as ValidationError).fields).toEqual([{ field: 'line 2', message: `at most ${MAX_CSV_FIELDS} values per line` }]);
    expect(parseCsv('a,b,c', { maxFields: 3 })).toEqual([{ line: 1, fields: ['a', 'b', 'c'] }]);
    expect(() => parseCsv('a\nb\nc', { maxRecords: 2 })).toThrow(ValidationError);
    expect(parseCsv('a\n\n\nb', { maxRecords: 2 })).toHaveLength(2);
  });
});
