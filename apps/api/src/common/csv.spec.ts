import { parseCsv } from './csv';

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
