import { Readable } from 'node:stream';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { ValidationError } from './errors';

/** One CSV record with the 1-based line it started on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvLimits {
  /** Records (blank lines not counted) a file may hold; the header is a record. */
  maxRecords?: number;
  /** Fields one record may hold. */
  maxFields?: number;
}

/** An import is at most 100,000 rows, plus its header line. */
export const MAX_CSV_RECORDS = 100_001;
export const MAX_CSV_FIELDS = 32;
/** Characters one value may hold: bounds the parser's buffer whatever the file. */
export const MAX_CSV_VALUE_LENGTH = 65_536;

/**
 * RFC 4180 CSV read by csv-parse: quoted fields may hold commas, quotes ("") and line breaks; a
 * quote inside an unquoted value is an ordinary character; `\r\n`, `\n` and `\r` all end a line;
 * blank lines are skipped and values trimmed.
 */
const OPTIONS: Options = {
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  trim: true,
  info: true,
  raw: true,
  max_record_size: MAX_CSV_VALUE_LENGTH,
};

interface ParsedRecord {
  record: string[];
  info: Info;
  raw: string;
}

/** The line a record started on: csv-parse counts the line it ended on. */
function startLine({ info, raw }: ParsedRecord): number {
  const inner = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
  return info.lines - (inner.match(/\r\n|\r|\n/g)?.length ?? 0);
}

function checker({ maxRecords = MAX_CSV_RECORDS, maxFields = MAX_CSV_FIELDS }: CsvLimits) {
  let count = 0;
  return (parsed: ParsedRecord): CsvRecord | null => {
    const line = startLine(parsed);
    if (parsed.record.length > maxFields) throw new ValidationError([{ field: `line ${line}`, message: `at most ${maxFields} values per line` }]);
    // A line of blanks only is a blank line.
    if (parsed.record.length === 1 && parsed.record[0] === '') return null;
    if (++count > maxRecords) throw new ValidationError([{ field: 'body', message: `at most ${maxRecords} lines per file` }]);
    return { line, fields: parsed.record };
  };
}

function toValidationError(error: unknown): unknown {
  // csv-parse/sync bundles its own CsvError class: recognize its errors by their code.
  if (!(error instanceof Error) || !String((error as Partial<CsvError>).code ?? '').startsWith('CSV_')) return error;
  const { code, lines: where } = error as CsvError & { lines?: number };
  const message =
    code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted value is not closed'
    : code === 'CSV_MAX_RECORD_SIZE' ? `a value is longer than ${MAX_CSV_VALUE_LENGTH} characters`
    : error.message;
  return new ValidationError([{ field: where ? `line ${where}` : 'body', message }]);
}

/** Reads a whole CSV text; refuses it as soon as it crosses a limit, so a hostile file costs no more than reading it. */
export function parseCsv(text: string, limits: CsvLimits = {}): CsvRecord[] {
  const check = checker(limits);
  try {
    const parsed = parseSync(text, { ...OPTIONS }) as unknown as ParsedRecord[];
    const records: CsvRecord[] = [];
    for (const p of parsed) {
      const record = check(p);
      if (record) records.push(record);
    }
    return records;
  } catch (error) {
    throw toValidationError(error);
  }
}

/**
 * Streams records one at a time from a text or a byte stream (the request itself), with the
 * same limits: memory stays bounded by what the caller keeps, not by the file.
 */
export async function* readCsv(source: string | NodeJS.ReadableStream, limits: CsvLimits = {}): AsyncGenerator<CsvRecord> {
  const check = checker(limits);
  // Strings are fed in slices so a large body is parsed incrementally too.
  const input = typeof source === 'string' ? Readable.from(slices(source)) : source;
  const parser = parse({ ...OPTIONS });
  input.pipe(parser);
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      const record = check(parsed);
      if (record) yield record;
    }
  } catch (error) {
    throw toValidationError(error);
  } finally {
    input.unpipe(parser);
    parser.destroy();
  }
}

function* slices(text: string, size = 64 * 1024): Generator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}
