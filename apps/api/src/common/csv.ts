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

/** A batch is at most 10,000 rows, plus its header line. */
export const MAX_CSV_RECORDS = 10_001;
export const MAX_CSV_FIELDS = 32;

/** A run of ordinary characters; once a field has started, quotes in it are ordinary too. */
const RUN = /[^,\r\n"]+/y;
const STARTED_RUN = /[^,\r\n]+/y;

function newlinesBetween(text: string, from: number, to: number): number {
  let count = 0;
  // Never past `to`: searching the rest of the file for each quoted field would be quadratic.
  for (let at = from; at < to; at++) if (text.charCodeAt(at) === 10) count++;
  return count;
}

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Blank lines are skipped.
 * One pass that copies runs of text, never re-reads a field, and refuses a file as soon as it
 * crosses a limit, so a hostile file costs no more than reading it.
 */
export function parseCsv(text: string, { maxRecords = MAX_CSV_RECORDS, maxFields = MAX_CSV_FIELDS }: CsvLimits = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  // Whether the field so far holds anything but blanks: a quote opens a quoted field only then.
  let started = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    if (fields.length >= maxFields) throw new ValidationError([{ field: `line ${recordLine}`, message: `at most ${maxFields} values per line` }]);
    fields.push(field);
    field = '';
    started = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0].trim() === '')) {
      if (records.length >= maxRecords) throw new ValidationError([{ field: 'body', message: `at most ${maxRecords} lines per file` }]);
      records.push({ line: recordLine, fields: fields.map((f) => f.trim()) });
    }
    fields = [];
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && !started) {
      // A quoted field: everything up to the closing quote, "" standing for one quote.
      started = true;
      field = '';
      for (;;) {
        const close = text.indexOf('"', i + 1);
        const end = close < 0 ? text.length : close;
        line += newlinesBetween(text, i + 1, end);
        field += text.slice(i + 1, end);
        if (close < 0 || text[close + 1] !== '"') {
          i = end + 1;
          break;
        }
        field += '"';
        i = close + 1;
      }
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\n' || ch === '\r') {
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      endRecord();
      line++;
      recordLine = line;
    } else {
      const run = started ? STARTED_RUN : RUN;
      run.lastIndex = i;
      const chars = run.exec(text)![0];
      if (!started && /[^ \t]/.test(chars)) started = true;
      field += chars;
      i += chars.length;
    }
  }
  if (field !== '' || fields.length) endRecord();
  return records;
}
