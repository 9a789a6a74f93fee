import fs from 'node:fs';
import path from 'node:path';

/**
 * The rules table (docs/certificate-rules.md) names, for every rule of the certificate documents,
 * its quote, where it lives in the code and the test that proves it. This keeps the table honest:
 * quotes must be in their document, code and tests must exist, and an "implemented" rule must name
 * a test. Pure file reading; it needs none of the services the global setup starts.
 */
const ROOT = path.resolve(__dirname, '..');
const TABLE = path.join(ROOT, 'docs', 'certificate-rules.md');
/** The copy in the repository is what the table is checked against. */
const SEEDS = path.join(ROOT, 'docs', 'seeds');
/** The originals, beside the repository on the team's machines (not on CI): the copy must match them. */
const ORIGINAL_SEEDS = path.resolve(__dirname, '..', '..', 'shared', 'seeds');

const STATUSES = ['implemented', 'differs', 'missing', 'not applicable'] as const;
type Status = (typeof STATUSES)[number];
const COLUMNS = ['ID', 'Rule', 'Quote', 'Seed', 'Status', 'Code', 'Test', 'Note'];

interface TestRef {
  file: string;
  name: string;
}

interface CodeRef {
  file: string;
  symbols: string[];
}

interface Row {
  line: number;
  id: string;
  rule: string;
  quote: string;
  seed: string;
  status: string;
  code: CodeRef[];
  tests: TestRef[];
  note: string;
  /** How many cells the line has: an unescaped pipe in a cell shifts every column after it. */
  width: number;
  /** The Code and Test cells that are not written as `file` (`symbol`) and `file` › `name`. */
  unparsed: string[];
}

/** Whitespace of any kind (line breaks, no-break spaces) counts as one space. */
const normalize = (text: string) => text.replace(/\s+/gu, ' ').trim();

/** A table line's cells; `\|` is a pipe inside a cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** What is left of a cell once its references are taken out: separators only, or a mistake. */
function leftover(cell: string, pattern: RegExp): string {
  return cell.replace(pattern, '').replace(/<br\s*\/?>|[;,—\s]/g, '');
}

const TEST_REF = /`([^`]+)`\s*›\s*`([^`]+)`/g;
const CODE_REF = /`([^`\s]+\.(?:ts|js|mjs|cjs|prisma|sql|css))`(?:\s*\(([^)]*)\))?/g;

function parseRows(markdown: string): { header: string[] | null; rows: Row[] } {
  let header: string[] | null = null;
  const rows: Row[] = [];
  markdown.split('\n').forEach((text, i) => {
    // Every table line of the document is a rule, but the header and the line under it.
    if (!text.trim().startsWith('|') || /^\|[\s|:-]+\|$/.test(text.trim())) return;
    const c = cells(text);
    if (c[0] === 'ID') {
      header ??= c;
      return;
    }
    const [id, rule = '', quote = '', seed = '', status = '', code = '', tests = '', note = ''] = c;
    rows.push({
      line: i + 1,
      width: c.length,
      id,
      rule,
      quote,
      seed: seed.replace(/`/g, ''),
      status,
      code: [...code.matchAll(CODE_REF)].map((m) => ({ file: m[1], symbols: [...(m[2] ?? '').matchAll(/`([^`]+)`/g)].map((s) => s[1]) })),
      tests: [...tests.matchAll(TEST_REF)].map((m) => ({ file: m[1], name: m[2] })),
      note,
      unparsed: [
        ...(leftover(code, CODE_REF) ? [`Code: ${code}`] : []),
        ...(leftover(tests, TEST_REF) ? [`Test: ${tests}`] : []),
      ],
    });
  });
  return { header, rows };
}

const readIfFile = (file: string): string | null => (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : null);

/** A test title as the file writes it: the first argument of it/describe/test, or a row of an it.each table. */
function namesTest(source: string, name: string): boolean {
  return [`'${name}'`, `"${name}"`, `\`${name}\``].some((quoted) => source.includes(quoted));
}

describe('the rules table (docs/certificate-rules.md)', () => {
  const markdown = fs.readFileSync(TABLE, 'utf8');
  const { header, rows } = parseRows(markdown);
  const seedFiles = fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
  const seedText = new Map(seedFiles.map((f) => [f, normalize(fs.readFileSync(path.join(SEEDS, f), 'utf8'))]));
  const sources = new Map<string, string | null>();
  const source = (file: string) => {
    if (!sources.has(file)) sources.set(file, readIfFile(path.join(ROOT, file)));
    return sources.get(file)!;
  };

  afterAll(() => {
    const count = (status: Status) => rows.filter((r) => r.status === status).length;
    process.stdout.write(
      `\n[rules table] ${rows.length} rules: ${count('implemented')} implemented, ${count('differs')} differs, ${count('missing')} missing, ${count('not applicable')} not applicable\n`,
    );
  });

  it('holds the certificate documents, unchanged from the originals', () => {
    expect(seedFiles.length).toBeGreaterThan(0);
    if (!fs.existsSync(ORIGINAL_SEEDS)) return; // CI: the copy is all there is.
    const originals = fs.readdirSync(ORIGINAL_SEEDS).filter((f) => f.endsWith('.txt')).sort();
    expect(seedFiles).toEqual(originals);
    for (const file of originals) {
      expect({ file, same: fs.readFileSync(path.join(SEEDS, file)).equals(fs.readFileSync(path.join(ORIGINAL_SEEDS, file))) }).toEqual({ file, same: true });
    }
  });

  it('has the expected columns and one row per rule, each with an id of its own', () => {
    expect(header).toEqual(COLUMNS);
    expect(rows.length).toBeGreaterThan(0);
    const first = new Map<string, number>();
    const problems = rows.flatMap((r) => {
      if (r.width !== COLUMNS.length) return [`line ${r.line}: ${r.width} cells instead of ${COLUMNS.length} (a pipe inside a cell is written \\|)`];
      if (!/^R\d{3}$/.test(r.id)) return [`line ${r.line}: "${r.id}" is not an id such as R001`];
      if (first.has(r.id)) return [`line ${r.line}: ${r.id} again (first on line ${first.get(r.id)})`];
      first.set(r.id, r.line);
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('gives every row a rule, a quote, a seed file and a known status', () => {
    const problems = rows.flatMap((r) => [
      ...(r.rule ? [] : [`${r.id}: no rule`]),
      ...(r.quote ? [] : [`${r.id}: no quote`]),
      ...(r.seed ? [] : [`${r.id}: no seed file`]),
      ...(r.seed && !seedText.has(r.seed) ? [`${r.id}: seed file ${r.seed} is not in docs/seeds/`] : []),
      ...((STATUSES as readonly string[]).includes(r.status) ? [] : [`${r.id}: status "${r.status}" is not one of ${STATUSES.join(', ')}`]),
    ]);
    expect(problems).toEqual([]);
  });

  it('quotes every rule as its document says it', () => {
    const misquoted = rows.filter((r) => r.quote && seedText.has(r.seed) && !seedText.get(r.seed)!.includes(normalize(r.quote))).map((r) => `${r.id}: not in ${r.seed}: ${r.quote}`);
    expect(misquoted).toEqual([]);
  });

  it('covers every document', () => {
    expect(seedFiles.filter((f) => !rows.some((r) => r.seed === f))).toEqual([]);
  });

  it('names code that exists: every file, and every symbol in the file named before it', () => {
    const problems = rows.flatMap((r) =>
      r.code.flatMap(({ file, symbols }) => {
        const text = source(file);
        if (text === null) return [`${r.id}: no file ${file}`];
        return symbols.filter((s) => !new RegExp(`(?<![\\w$])${s.replace(/[$.]/g, '\\$&')}(?![\\w$])`).test(text)).map((s) => `${r.id}: ${s} is not in ${file}`);
      }),
    );
    expect(problems).toEqual([]);
  });

  it('names tests that exist: the file, and the test title as that file writes it', () => {
    const problems = rows.flatMap((r) =>
      r.tests.flatMap(({ file, name }) => {
        if (!/(^test\/.+\.test\.ts|\.spec\.ts)$/.test(file)) return [`${r.id}: ${file} is not a test file jest runs (test/*.test.ts or *.spec.ts)`];
        const text = source(file);
        if (text === null) return [`${r.id}: no test file ${file}`];
        return namesTest(text, name) ? [] : [`${r.id}: no test "${name}" in ${file}`];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('writes the Code and Test cells only as `file` (`symbol`) and `file` › `test name`', () => {
    expect(rows.filter((r) => r.unparsed.length).map((r) => `${r.id} (line ${r.line}): ${r.unparsed.join(' | ')}`)).toEqual([]);
  });

  it('proves every implemented rule by a test, and says where it lives', () => {
    const unproven = rows.filter((r) => r.status === 'implemented' && (r.tests.length === 0 || r.code.length === 0)).map((r) => `${r.id}: ${r.tests.length ? '' : 'no test '}${r.code.length ? '' : 'no code'}`.trim());
    expect(unproven).toEqual([]);
  });

  it('explains every rule that is not implemented as written', () => {
    expect(rows.filter((r) => r.status !== 'implemented' && !r.note).map((r) => r.id)).toEqual([]);
  });
});
