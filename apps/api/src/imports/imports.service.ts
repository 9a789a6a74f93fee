import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { readCsv, type CsvRecord } from '../common/csv';
import { ValidationError, type FieldProblem } from '../common/errors';
import { completionsSchema, enrollLearnersSchema, recordGradesSchema } from '../courses/courses.schemas';
import { IngestionService } from '../courses/ingestion.service';

export const IMPORT_KINDS = ['enrollments', 'grades', 'completions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Rows a file may hold (plus its header line): ten of the largest JSON batches. */
export const MAX_IMPORT_ROWS = 100_000;
/** The JSON routes' batch maximum: the file is validated by the same schemas, one batch-sized slice at a time. */
const VALIDATION_SLICE = 10_000;

const COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  enrollments: { required: ['learnerId', 'email', 'name', 'mode'], optional: [] },
  grades: { required: ['learnerId', 'grade'], optional: [] },
  completions: { required: ['learnerId', 'lessonId'], optional: ['completedAt'] },
};

const SCHEMAS: Record<ImportKind, z.ZodType> = {
  enrollments: enrollLearnersSchema,
  grades: recordGradesSchema,
  completions: completionsSchema,
};

/**
 * CSV versions of the batch ingestion endpoints. All or nothing: the whole file is read and
 * validated first, and a file with any bad line is refused whole with every bad line reported by
 * its number, so a half-imported file never leaves the LMS and us disagreeing. A good file is then
 * written set-based, in slices, inside one transaction. Sending the same file twice gives the same state.
 */
@Injectable()
export class ImportsService {
  constructor(private readonly ingestion: IngestionService) {}

  async importCsv(courseId: string, kind: ImportKind, csv: unknown) {
    if (typeof csv !== 'string' || csv.trim() === '') {
      throw new ValidationError([{ field: 'body', message: `send text/csv with a header line: ${COLUMNS[kind].required.join(',')}` }]);
    }
    const { records, rows, problems } = await readRows(kind, readCsv(csv, { maxRecords: MAX_IMPORT_ROWS + 1 }));
    if (problems.length) throw new ValidationError(problems, summary(problems));

    const data = { [kind]: [] as unknown[] };
    for (let at = 0; at < rows.length; at += VALIDATION_SLICE) {
      const parsed = SCHEMAS[kind].safeParse({ [kind]: rows.slice(at, at + VALIDATION_SLICE) });
      if (parsed.success) data[kind].push(...(parsed.data as Record<string, unknown[]>)[kind]);
      else problems.push(...parsed.error.issues.map((issue) => toLine(records, issue.path.map(String), issue.message, at)));
    }
    if (problems.length) throw new ValidationError(problems, summary(problems));
    try {
      switch (kind) {
        case 'enrollments':
          return { kind, ...(await this.ingestion.enrollLearners(courseId, data as z.infer<typeof enrollLearnersSchema>)) };
        case 'grades':
          return { kind, ...(await this.ingestion.recordGrades(courseId, data as z.infer<typeof recordGradesSchema>)) };
        case 'completions':
          return { kind, ...(await this.ingestion.recordCompletions(courseId, data as z.infer<typeof completionsSchema>)) };
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // body.<kind>.<index>.<column> → line N: <column>
      const lines = error.fields.map((f) => toLine(records, f.field.split('.').slice(1), f.message));
      throw new ValidationError(lines, summary(lines));
    }
  }
}

/** Reads the header and every record into rows keyed by column, noting each line with the wrong number of values. */
async function readRows(kind: ImportKind, source: AsyncIterable<CsvRecord>) {
  const records: CsvRecord[] = [];
  const rows: Array<Record<string, unknown>> = [];
  const problems: FieldProblem[] = [];
  let names: string[] | null = null;
  for await (const record of source) {
    if (names === null) {
      names = record.fields;
      checkHeader(kind, names);
      continue;
    }
    if (record.fields.length !== names.length) {
      problems.push({ field: `line ${record.line}`, message: `expected ${names.length} values, found ${record.fields.length}` });
    }
    const row: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = record.fields[i] ?? '';
      if (value === '' && COLUMNS[kind].optional.includes(name)) return;
      row[name] = name === 'grade' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    });
    records.push(record);
    rows.push(row);
  }
  if (rows.length === 0 && problems.length === 0) throw new ValidationError([{ field: 'body', message: 'the file has a header but no rows' }]);
  return { records, rows, problems };
}

function checkHeader(kind: ImportKind, names: string[]): void {
  const missing = COLUMNS[kind].required.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !COLUMNS[kind].required.includes(n) && !COLUMNS[kind].optional.includes(n));
  if (!missing.length && !unknown.length) return;
  throw new ValidationError([
    {
      field: 'line 1',
      message: `the header must name the columns ${[...COLUMNS[kind].required, ...COLUMNS[kind].optional.map((o) => `[${o}]`)].join(',')}` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (unknown.length ? `; unknown ${unknown.join(', ')}` : ''),
    },
  ]);
}

function toLine(records: CsvRecord[], path: string[], message: string, offset = 0): FieldProblem {
  const [, index, column] = path;
  const record = records[offset + Number(index)];
  return record ? { field: `line ${record.line}${column ? `: ${column}` : ''}`, message } : { field: 'body', message };
}

/** The error's message names the first bad lines; `fields` lists every one. */
function summary(problems: FieldProblem[]): string {
  const shown = problems.slice(0, 20).map((f) => `${f.field}: ${f.message}`).join('; ');
  return problems.length > 20 ? `${shown}; and ${problems.length - 20} more (see fields)` : shown;
}
