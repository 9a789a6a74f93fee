import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { CoursesRepository, PlannerStatisticsRepository } from '../../../shared/repositories';
import { Transactions } from '../../../shared/repositories/transactions';
import { isCsvRequest, readCsvBody, type CsvRecord } from '../common/csv';
import { ImportGate } from './import-gate';
import { NotFoundError, ValidationError, type FieldProblem } from '../common/errors';
import { completionsSchema, enrollLearnersSchema, recordGradesSchema } from '../courses/courses.schemas';
import { IngestionService } from '../courses/ingestion.service';
import { ReevaluationService } from '../courses/reevaluation.service';

export const IMPORT_KINDS = ['enrollments', 'grades', 'completions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** Rows a file may hold (plus its header line): ten of the largest JSON batches. */
export const MAX_IMPORT_ROWS = 100_000;
/** The JSON routes' batch maximum: the file is validated and written by the same code, one batch-sized slice at a time. */
const SLICE = 10_000;
/** Imports that may wait behind the one running in this process. */
const MAX_WAITING_IMPORTS = 4;
/** About the time of one 100,000-line import, for a caller refused because the line is full. */
const IMPORT_RETRY_AFTER_SECONDS = 10;
/** An import whose upload sends nothing for this long is cut. */
const UPLOAD_IDLE_MS = 30_000;

const COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  enrollments: { required: ['learnerId', 'email', 'name', 'mode'], optional: [] },
  grades: { required: ['learnerId', 'grade'], optional: [] },
  completions: { required: ['learnerId', 'lessonId'], optional: ['completedAt'] },
};

const sendCsvOf = (kind: ImportKind) => `send text/csv with a header line: ${COLUMNS[kind].required.join(',')}`;

const SCHEMAS: Record<ImportKind, z.ZodType> = {
  enrollments: enrollLearnersSchema,
  grades: recordGradesSchema,
  completions: completionsSchema,
};

/**
 * CSV versions of the batch ingestion endpoints, parsed from the connection as it arrives (the
 * body is never held as one string). All or nothing: every slice of rows is checked by the JSON
 * routes' schemas once the upload is complete; when they are clean, the slices are checked by
 * the rules and written, set-based, inside one transaction. A file with any bad line is refused
 * whole (nothing written, or the transaction rolled back) with every bad line reported by its
 * number, so a half-imported file never leaves the LMS and us disagreeing. Sending the same file
 * twice gives the same state.
 */
@Injectable()
export class ImportsService {
  private readonly gate = new ImportGate(MAX_WAITING_IMPORTS, IMPORT_RETRY_AFTER_SECONDS);

  constructor(
    private readonly transactions: Transactions,
    private readonly courses: CoursesRepository,
    private readonly reevaluation: ReevaluationService,
    private readonly statistics: PlannerStatisticsRepository,
  ) {}

  /** One import at a time in this process (see ImportGate); the upload is read once its turn comes. */
  async importCsv(courseId: string, kind: ImportKind, request: IncomingMessage) {
    if (!isCsvRequest(request)) throw new ValidationError([{ field: 'body', message: sendCsvOf(kind) }]);
    if (!(await this.courses.courseExists(courseId))) throw new NotFoundError('course', courseId);
    return this.gate.run(async () => {
      // The running import holds the line: an upload that stalls is cut instead of holding it.
      request.setTimeout(UPLOAD_IDLE_MS, () => request.destroy(new Error(`the upload sent nothing for ${UPLOAD_IDLE_MS / 1000} s`)));
      try {
        return await this.importFile(courseId, kind, request);
      } finally {
        request.setTimeout(0);
      }
    });
  }

  private async importFile(courseId: string, kind: ImportKind, request: IncomingMessage) {
    const sendCsv = sendCsvOf(kind);
    // The whole upload is read and checked before a database connection is taken: a slow or
    // stalled upload holds no transaction, and a file with bad values or lines costs no writes.
    const file = new FileCheck(kind);
    // Slices are checked once the file is known to be within its line limit, so a file over it
    // is refused for the price of parsing alone.
    const slices: Slice[] = [];
    let slice: Slice = { lines: [], rows: [] };
    for await (const batch of readCsvBody(request, { maxRecords: MAX_IMPORT_ROWS + 1 })) {
      for (const record of batch) {
        if (!file.readHeader(record)) continue;
        slice.lines.push(record.line);
        slice.rows.push(file.readRow(record));
        if (slice.rows.length === SLICE) {
          slices.push(slice);
          slice = { lines: [], rows: [] };
        }
      }
    }
    if (!file.header) throw new ValidationError([{ field: 'body', message: sendCsv }]);
    slices.push(slice);
    const checked: Array<{ data: SliceData; lines: number[] }> = [];
    for (const each of slices.splice(0)) {
      const data = file.validate(each);
      if (data) checked.push({ data, lines: each.lines });
    }
    file.refuseIfBad();

    const deferred = new DeferredReevaluation();
    const counted = await this.transactions.inOneTransaction(async (repositories) => {
      // The ingestion rules, writing through this transaction; re-evaluation waits for the commit.
      const ingestion = new IngestionService(repositories.courses, repositories.enrollments, deferred.asService(), repositories.issuance, this.statistics);
      let count = 0;
      for (const { data, lines } of checked) count += await writeSlice(ingestion, courseId, kind, data, lines, file);
      file.refuseIfBad();
      return count;
    });
    await deferred.replay(this.reevaluation);
    void this.statistics.refreshSoon(['learners', 'enrollments', 'lesson_completions']);
    return kind === 'enrollments' ? { kind, courseId, enrolled: counted } : { kind, courseId, recorded: counted };
  }
}

interface Slice {
  /** Each row's line in the file: what the problems are reported by (the values are not kept). */
  lines: number[];
  rows: Array<Record<string, unknown>>;
}

type SliceData = Record<string, unknown>[];

/**
 * What is known about the file so far. Its problems come in three kinds, reported in this order
 * of precedence, as when the whole file was read first: lines with the wrong number of values,
 * then invalid values, then rows the rules refuse (a learner twice in the file, unknown learners
 * and lessons); once a kind is found, later slices are only checked for it and the kinds before it.
 */
class FileCheck {
  header: string[] | null = null;
  private rows = 0;
  private readonly lineProblems: FieldProblem[] = [];
  private readonly valueProblems: FieldProblem[] = [];
  readonly ruleProblems: FieldProblem[] = [];
  /** Enrollments: the learner ids and emails of the earlier rows (a learner twice in the file is refused by line). */
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly kind: ImportKind) {}

  /** Takes the first record as the header; false for it. */
  readHeader(record: CsvRecord): boolean {
    if (this.header) return true;
    checkHeader(this.kind, record.fields);
    this.header = record.fields;
    return false;
  }

  /** The record keyed by column, noting a line with the wrong number of values. */
  readRow(record: CsvRecord): Record<string, unknown> {
    const names = this.header!;
    this.rows++;
    if (record.fields.length !== names.length) {
      this.lineProblems.push({ field: `line ${record.line}`, message: `expected ${names.length} values, found ${record.fields.length}` });
    }
    const row: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = record.fields[i] ?? '';
      if (value === '' && COLUMNS[this.kind].optional.includes(name)) return;
      row[name] = name === 'grade' && value !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
    });
    return row;
  }

  /** The slice's rows as the JSON route would take them, or null when the slice is not to be written. */
  validate({ lines, rows }: Slice): SliceData | null {
    if (rows.length === 0 || this.lineProblems.length) return null;
    const parsed = SCHEMAS[this.kind].safeParse({ [this.kind]: rows });
    if (!parsed.success) {
      this.valueProblems.push(...parsed.error.issues.map((issue) => toLine(lines, issue.path.map(String), issue.message)));
      return null;
    }
    if (this.valueProblems.length) return null;
    const data = (parsed.data as Record<string, SliceData>)[this.kind];
    return this.withoutRepeats(data, lines) ? data : null;
  }

  /** Enrollments: false (and each repeat reported) when a learner id or email appeared on an earlier line. */
  private withoutRepeats(data: SliceData, lines: number[]): boolean {
    if (this.kind !== 'enrollments') return true;
    const before = this.ruleProblems.length;
    data.forEach((row, i) => {
      for (const column of ['learnerId', 'email']) {
        const seen = this.seen.get(column) ?? this.seen.set(column, new Set()).get(column)!;
        const value = String(row[column]);
        if (seen.has(value)) this.ruleProblems.push({ field: `line ${lines[i]}: ${column}`, message: 'appears more than once in this batch' });
        else seen.add(value);
      }
    });
    return this.ruleProblems.length === before;
  }

  refuseIfBad(): void {
    if (this.rows === 0 && !this.lineProblems.length) throw new ValidationError([{ field: 'body', message: 'the file has a header but no rows' }]);
    const problems = [this.lineProblems, this.valueProblems, this.ruleProblems].find((p) => p.length);
    if (!problems) return;
    const byLine = [...problems].sort((a, b) => lineOf(a) - lineOf(b));
    throw new ValidationError(byLine, summary(byLine));
  }
}

/** Writes one slice through the JSON routes' rules; a row they refuse is reported by its line. Returns the rows counted. */
async function writeSlice(ingestion: IngestionService, courseId: string, kind: ImportKind, data: SliceData, lines: number[], file: FileCheck): Promise<number> {
  try {
    switch (kind) {
      case 'enrollments':
        return (await ingestion.enrollLearners(courseId, { enrollments: data } as z.infer<typeof enrollLearnersSchema>)).enrolled;
      case 'grades':
        return (await ingestion.recordGrades(courseId, { grades: data } as z.infer<typeof recordGradesSchema>)).recorded;
      case 'completions':
        return (await ingestion.recordCompletions(courseId, { completions: data } as z.infer<typeof completionsSchema>)).recorded;
    }
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // body.<kind>.<index>.<column> → line N: <column>
    file.ruleProblems.push(...error.fields.map((f) => toLine(lines, f.field.split('.').slice(1), f.message)));
    return 0;
  }
}

/**
 * Re-evaluation asked for while the file is written, run once it is committed: a refused file
 * changed nobody's standing. The learners of every slice are merged into one call per reason.
 */
class DeferredReevaluation {
  private readonly calls = new Map<string, { courseId: string; learnerIds: Set<string> | null }>();

  /** What the ingestion rules call; the only method of ReevaluationService they reach from the batch writes. */
  asService(): ReevaluationService {
    const reevaluateAfterFinalization = async (courseId: string, learnerIds: string[] | null, why: string) => {
      const call = this.calls.get(why) ?? this.calls.set(why, { courseId, learnerIds: new Set() }).get(why)!;
      if (learnerIds === null) call.learnerIds = null;
      else for (const id of learnerIds) call.learnerIds?.add(id);
    };
    return { reevaluateAfterFinalization } as unknown as ReevaluationService;
  }

  async replay(reevaluation: ReevaluationService): Promise<void> {
    for (const [why, { courseId, learnerIds }] of this.calls) {
      await reevaluation.reevaluateAfterFinalization(courseId, learnerIds && [...learnerIds], why);
    }
  }
}

function lineOf(problem: FieldProblem): number {
  return Number(/^line (\d+)/.exec(problem.field)?.[1] ?? 0);
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

function toLine(lines: number[], path: string[], message: string): FieldProblem {
  const [, index, column] = path;
  const line = lines[Number(index)];
  return line !== undefined ? { field: `line ${line}${column ? `: ${column}` : ''}`, message } : { field: 'body', message };
}

/** The error's message names the first bad lines; `fields` lists every one. */
function summary(problems: FieldProblem[]): string {
  const shown = problems.slice(0, 20).map((f) => `${f.field}: ${f.message}`).join('; ');
  return problems.length > 20 ? `${shown}; and ${problems.length - 20} more (see fields)` : shown;
}
