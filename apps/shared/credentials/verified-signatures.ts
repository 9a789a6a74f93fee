import { createHash } from 'node:crypto';
import type { VerificationKey } from './signing-keys';

/** What a stored credential's signature check established once: the key that verified it and its decoded payload. */
export interface VerifiedSignature {
  key: VerificationKey;
  payload: unknown;
}

/** Enough for the credentials we serve and re-verify; each entry holds one decoded payload (a few kB). */
const DEFAULT_CAPACITY = 4096;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/**
 * Signatures that verified, by the exact JWS bytes (their SHA-256) and key id: a credential's
 * bytes and a published key never change, so their verification need not be redone on every scan.
 * An entry counts only while its kid still names the very key that verified it: a key removed from
 * (or replaced in) the key set invalidates its entries. Bounded, least recently used first out.
 * Only successes are kept, so tokens that fail cannot push genuine ones out.
 */
export class VerifiedSignatures {
  private readonly entries = new Map<string, VerifiedSignature>();

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  private static id(jws: string, kid: string): string {
    return `${kid}\n${createHash('sha256').update(jws).digest('base64url')}`;
  }

  /** The earlier verification of these bytes by this key, if the key is still the one that verified it. */
  get(jws: string, key: VerificationKey): VerifiedSignature | undefined {
    const id = VerifiedSignatures.id(jws, key.kid);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.key !== key) return undefined;
    this.entries.set(id, entry);
    return entry;
  }

  /** Remembers a verified signature; the payload is frozen, since every later request shares it. */
  remember(jws: string, key: VerificationKey, payload: unknown): void {
    const id = VerifiedSignatures.id(jws, key.kid);
    this.entries.delete(id);
    this.entries.set(id, { key, payload: deepFreeze(payload) });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops every result a key gave (its removal from the published key set). */
  forgetKey(kid: string): void {
    const prefix = `${kid}\n`;
    for (const id of this.entries.keys()) if (id.startsWith(prefix)) this.entries.delete(id);
  }

  /** Keeps only the results of keys still published in this key set (after the key set changed). */
  retainKeys(byKid: ReadonlyMap<string, VerificationKey>): void {
    for (const [id, entry] of this.entries) if (byKid.get(entry.key.kid) !== entry.key) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
