import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { parseCsv, type CsvRecord } from '../common/csv';
import { ValidationError, type FieldProblem } from '../common/errors';
import { completionsSchema, enrollLearnersSchema, recordGradesSchema } from '../courses/courses.schemas';
import { IngestionService } from '../courses/ingestion.service';

export const IMPORT_KINDS = ['enrollments', 'grades', 'completions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

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
 * CSV versions of the batch ingestion endpoints. All or nothing: a file with any bad line is
 * refused whole and every bad line is reported with its number, so a half-imported file never
 * leaves the LMS and us disagreeing. Sending the same file twice gives the same state.
 */
@Injectable()
export class ImportsService {
  constructor(private readonly ingestion: IngestionService) {}

  async importCsv(courseId: string, kind: ImportKind, csv: unknown) {
    if (typeof csv !== 'string' || csv.trim() === '') {
      throw new ValidationError([{ field: 'body', message: `send text/csv with a header line: ${COLUMNS[kind].required.join(',')}` }]);
    }
    const [header, ...records] = parseCsv(csv);
    const names = header.fields;
    const missing = COLUMNS[kind].required.filter((c) => !names.includes(c));
    const unknown = names.filter((n) => !COLUMNS[kind].required.includes(n) && !COLUMNS[kind].optional.includes(n));
    if (missing.length || unknown.length) {
      throw new ValidationError([
        {
          field: 'line 1',
          message: `the header must name the columns ${[...COLUMNS[kind].required, ...COLUMNS[kind].optional.map((o) => `[${o}]`)].join(',')}` +
            (missing.length ? `; missing ${missing.join(', ')}` : '') +
            (unknown.length ? `; unknown ${unknown.join(', ')}` : ''),
        },
      ]);
    }
    if (records.length === 0) throw new ValidationError([{ field: 'body', message: 'the file has a header but no rows' }]);
    const problems: FieldProblem[] = [];
    const rows = records.map((record) => {
      if (record.fields.length !== names.length) {
        problems.push({ field: `line ${record.line}`, message: `expected ${names.length} values, found ${record.fields.length}` });
      }
      const row: Record<string, unknown> = {};
      names.forEach((name, i) => {
        const value = record.fields[i] ?? '';
        if (value === '' && COLUMNS[kind].optional.includes(name)) return;
        row[name] = name === 'grade' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
      });
      return row;
    });
    if (problems.length) throw new ValidationError(problems);

    const body = { [kind]: rows };
    const parsed = SCHEMAS[kind].safeParse(body);
    if (!parsed.success) throw new ValidationError(parsed.error.issues.map((issue) => toLine(records, issue.path.map(String), issue.message)));
    try {
      switch (kind) {
        case 'enrollments':
          return { kind, ...(await this.ingestion.enrollLearners(courseId, parsed.data as z.infer<typeof enrollLearnersSchema>)) };
        case 'grades':
          return { kind, ...(await this.ingestion.recordGrades(courseId, parsed.data as z.infer<typeof recordGradesSchema>)) };
        case 'completions':
          return { kind, ...(await this.ingestion.recordCompletions(courseId, parsed.data as z.infer<typeof completionsSchema>)) };
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // body.<kind>.<index>.<column> → line N: <column>
      throw new ValidationError(error.fields.map((f) => toLine(records, f.field.split('.').slice(1), f.message)));
    }
  }
}

function toLine(records: CsvRecord[], path: string[], message: string): FieldProblem {
  const [, index, column] = path;
  const record = records[Number(index)];
  return record ? { field: `line ${record.line}${column ? `: ${column}` : ''}`, message } : { field: 'body', message };
}
