import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError, type AppConfig } from './config';

/** JWK members that only a private or symmetric key has. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
/** Where `npm start` writes the development signing key and the development LMS key. */
const DEVELOPMENT_DIR = '.data';

type ReadText = (file: string) => string;
const readText: ReadText = (file) => fs.readFileSync(file, 'utf8');

/**
 * Everything that makes a configuration unsafe on the open internet, one message per problem,
 * each naming the variable to set. Empty outside production, where development defaults are the point.
 */
export function productionProblems(config: AppConfig, read: ReadText = readText): string[] {
  if (config.env !== 'production') return [];
  const problems: string[] = [];

  if (config.sources.signingKey === 'default') {
    problems.push(`SIGNING_KEY or SIGNING_KEY_FILE must be set: production never signs with the development key (${relative(config.signing.keyFile)})`);
  } else if (config.sources.signingKey === 'SIGNING_KEY_FILE') {
    problems.push(...keyFileProblems('SIGNING_KEY_FILE', config.signing.keyFile, read).problems);
  }

  if (config.sources.tokenKey === 'default') {
    problems.push(`AUTH_TOKEN_KEY or AUTH_TOKEN_KEY_FILE must be set to the LMS's public key: production never trusts the development LMS key (${relative(config.auth.tokenKeyFile)})`);
  } else if (config.sources.tokenKey === 'AUTH_TOKEN_KEY') {
    problems.push(...tokenKeyProblems('AUTH_TOKEN_KEY', config.auth.tokenKey ?? ''));
  } else {
    const file = keyFileProblems('AUTH_TOKEN_KEY_FILE', config.auth.tokenKeyFile, read);
    problems.push(...file.problems);
    if (file.text !== undefined) problems.push(...tokenKeyProblems('AUTH_TOKEN_KEY_FILE', file.text));
  }

  if (!config.auth.issuer) {
    problems.push("AUTH_TOKEN_ISSUER must be set to the LMS's token issuer (iss), so tokens from any other issuer are refused");
  }

  if (config.sources.publicUrl === 'default') {
    problems.push('PUBLIC_URL must be set to the https:// origin people reach the service at (it goes into every certificate)');
  } else if (new URL(config.http.publicUrl).protocol !== 'https:') {
    problems.push(`PUBLIC_URL must be an https:// URL in production, not ${config.http.publicUrl}`);
  }
  // did:web names a host whose TLS certificate vouches for the DID document: never an IP address.
  if (config.signing.issuerDidWeb && isIP(new URL(config.http.publicUrl).hostname.replace(/^\[|\]$/g, '')) !== 0) {
    problems.push(`ISSUER_DID_WEB needs a PUBLIC_URL with a domain name, not an IP address (${config.http.publicUrl})`);
  }
  return problems;
}

/** Throws a ConfigError listing every problem; main() prints it and exits non-zero. */
export function assertSafeForProduction(config: AppConfig, read: ReadText = readText): void {
  const problems = productionProblems(config, read);
  if (problems.length > 0) throw new ConfigError(problems, 'Refusing to start with NODE_ENV=production');
}

function keyFileProblems(variable: string, file: string, read: ReadText): { problems: string[]; text?: string } {
  if (file.split(path.sep).includes(DEVELOPMENT_DIR)) {
    return { problems: [`${variable} must not point into ${DEVELOPMENT_DIR}/ (${relative(file)}), where npm start keeps its development keys`] };
  }
  try {
    return { problems: [], text: read(file) };
  } catch (error) {
    return { problems: [`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
}

/** The LMS key we hold must be public only: a private half here lets its holder sign an admin token. Never echoes key material. */
function tokenKeyProblems(variable: string, text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    if (/PRIVATE KEY-----/.test(trimmed)) return [`${variable} holds a private key: give only the LMS's public key (SPKI PEM "PUBLIC KEY" or a public JWK)`];
    if (!trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) return [`${variable} is a PEM but not an SPKI public key ("BEGIN PUBLIC KEY")`];
    return [];
  }
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch {
    return [`${variable} is neither JSON (a JWK or a JWK set) nor an SPKI PEM public key`];
  }
  const keys = isObject(document) && Array.isArray(document.keys) ? (document.keys as unknown[]) : [document];
  if (keys.length === 0 || !keys.every(isObject)) return [`${variable} holds no JWK`];
  const problems: string[] = [];
  keys.forEach((key, index) => {
    const members = PRIVATE_JWK_MEMBERS.filter((member) => member in (key as object));
    if (members.length === 0) return;
    const which = keys.length > 1 ? `key ${index + 1} of ${variable}` : variable;
    problems.push(`${which} has private members (${members.join(', ')}): give only the LMS's public key`);
  });
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
