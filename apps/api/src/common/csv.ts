import type { IncomingMessage } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { UnsupportedMediaTypeException } from '@nestjs/common';
import { parse, type CsvError, type Info, type Options } from 'csv-parse';
import { PayloadTooLargeError, ValidationError } from './errors';

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
/** Bytes a CSV file may hold: a 100,000-line import of long names and addresses fits. */
export const MAX_CSV_BYTES = 16 * 1024 * 1024;

/**
 * The routes that read their CSV straight from the connection (the global text parser leaves
 * them alone): the ingestion imports and the exception list import.
 */
export const STREAMED_CSV_ROUTE = /^\/courses\/[^/?]+\/(?:imports\/[^/?]+|exceptions\/import)\/?(?:\?|$)/;

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
  // Recognize csv-parse's errors by their code, whichever build of its CsvError class threw them.
  if (!(error instanceof Error) || !String((error as Partial<CsvError>).code ?? '').startsWith('CSV_')) return error;
  const { code, lines: where } = error as CsvError & { lines?: number };
  const message =
    code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted value is not closed'
    : code === 'CSV_MAX_RECORD_SIZE' ? `a value is longer than ${MAX_CSV_VALUE_LENGTH} characters`
    : error.message;
  return new ValidationError([{ field: where ? `line ${where}` : 'body', message }]);
}

/**
 * Streams records from a text or a byte stream (the request itself), in the batches the parser has
 * ready at once (what one chunk of input held), refusing the input as soon as it crosses a limit:
 * a hundred thousand lines cost a few hundred awaits, not one per line, and memory stays bounded
 * by what the caller keeps, not by the file.
 */
export async function* readCsvBatches(source: string | NodeJS.ReadableStream, limits: CsvLimits = {}, encoding: BufferEncoding = 'utf8'): AsyncGenerator<CsvRecord[]> {
  const check = checker(limits);
  // Strings are fed in slices so a large body is parsed incrementally too.
  const input = typeof source === 'string' ? Readable.from(slices(source)) : source;
  // A byte-order mark is not part of the first header name.
  const parser = parse({ ...OPTIONS, encoding, bom: true });
  // pipe() does not forward a failing source (a body over its limit): the reader must see it.
  input.on('error', (error: Error) => parser.destroy(error));
  input.pipe(parser);
  const taken = takeInBatches<ParsedRecord>(parser);
  try {
    for (let parsed = await taken.next(); parsed !== null; parsed = await taken.next()) {
      const batch: CsvRecord[] = [];
      for (const p of parsed) {
        const record = check(p);
        if (record) batch.push(record);
      }
      if (batch.length) yield batch;
    }
  } catch (error) {
    throw toValidationError(error);
  } finally {
    input.unpipe(parser);
    parser.destroy();
  }
}

/** Records a batch may gather before the parser is paused: bounds what waits for the reader. */
const BATCH_RECORDS = 1024;

/**
 * What an object stream produced since the last call, as one array (null once it ended): the
 * stream is paused while a full batch waits, so its memory stays bounded.
 */
function takeInBatches<T>(stream: Readable): { next: () => Promise<T[] | null> } {
  let pending: T[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  stream.on('data', (item: T) => {
    if (pending.push(item) >= BATCH_RECORDS) stream.pause();
    wake?.();
  });
  stream.on('end', () => ((ended = true), wake?.()));
  stream.on('error', (error: Error) => ((failure = error), wake?.()));
  return {
    async next() {
      while (!pending.length && !failure && !ended) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (pending.length) {
        const batch = pending;
        pending = [];
        stream.resume();
        return batch;
      }
      if (failure) throw failure;
      return null;
    },
  };
}

function* slices(text: string, size = 64 * 1024): Generator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/** Whether the request says it carries CSV (`text/csv`, any parameters). */
export function isCsvRequest(request: IncomingMessage): boolean {
  return /^text\/csv\s*(?:;|$)/i.test(request.headers['content-type'] ?? '');
}

/**
 * Reads a request's CSV body straight from the connection, in batches of records: what the caller
 * keeps bounds the memory, not the file. A body above `maxBytes` (decoded) is refused with 413 as
 * soon as it crosses the limit. Whenever reading stops early, the rest of the body is read off
 * and dropped before the answer, as the body parsers do, so the client sees the answer and the
 * connection stays usable.
 */
export async function* readCsvBody(request: IncomingMessage, { maxBytes = MAX_CSV_BYTES, ...limits }: CsvLimits & { maxBytes?: number } = {}): AsyncGenerator<CsvRecord[]> {
  try {
    const identity = (request.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
    if (identity && Number(request.headers['content-length'] ?? 0) > maxBytes) throw bodyTooLarge(maxBytes);
    const encoding = charsetOf(request);
    const inflating = inflaterFor(request);
    const decoded: Readable = inflating ? request.pipe(inflating) : request;
    const counted = decoded.pipe(new ByteLimit(maxBytes));
    inflating?.on('error', (error: Error) => counted.destroy(new ValidationError([{ field: 'body', message: `the body does not inflate: ${error.message}` }])));
    try {
      yield* readCsvBatches(counted, limits, encoding);
    } finally {
      decoded.unpipe(counted);
      if (inflating) {
        request.unpipe(inflating);
        inflating.destroy();
      }
    }
  } finally {
    await drain(request);
  }
}

/** The answer to a body above its limit, naming the limit so the sender knows what would fit. */
export function bodyTooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the body is larger than the limit of ${formatBytes(limitBytes)}`);
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** Fails the stream once more than `limit` bytes went through. */
class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(bodyTooLarge(this.limit));
    else done(null, chunk);
  }
}

/** The charsets Node decodes itself; the body parsers answered any other with 415 too. */
function charsetOf(request: IncomingMessage): BufferEncoding {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  const known: Record<string, BufferEncoding> = { 'utf-8': 'utf8', utf8: 'utf8', 'us-ascii': 'latin1', ascii: 'latin1', 'iso-8859-1': 'latin1', latin1: 'latin1', 'utf-16le': 'utf16le' };
  if (!known[charset]) throw new UnsupportedMediaTypeException(`unsupported charset "${charset.toUpperCase()}"`);
  return known[charset];
}

/** Compressed uploads are read as the body parsers read them: inflated, the limit counting inflated bytes. */
function inflaterFor(request: IncomingMessage): Transform | null {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  const inflate = { identity: null, gzip: createGunzip, deflate: createInflate, br: createBrotliDecompress }[encoding];
  if (inflate === undefined) throw new UnsupportedMediaTypeException(`unsupported content encoding "${encoding}"`);
  return inflate && inflate();
}

/** Reads off and drops what is left of a body we stopped reading. */
async function drain(request: IncomingMessage): Promise<void> {
  if (request.readableEnded || request.destroyed) return;
  request.unpipe();
  await new Promise<void>((resolve) => {
    request.once('end', resolve).once('close', resolve).once('error', () => resolve());
    request.resume();
  });
}
