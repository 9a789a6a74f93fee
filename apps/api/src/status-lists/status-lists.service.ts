import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../../shared/config';
import { signCredential } from '../../../shared/credentials/sign-credential';
import type { KeySet } from '../../../shared/credentials/signing-keys';
import { buildStatusListCredential, encodeStatusList } from '../../../shared/credentials/status-list';
import { StatusListsRepository } from '../../../shared/repositories';
import { NotFoundError } from '../common/errors';
import { CONFIG, KEY_SET } from '../common/tokens';

export interface SignedStatusList {
  jws: string;
  validUntil: Date;
}

/**
 * Revocation as W3C Bitstring Status List credentials. The bits are derived from the records (a
 * certificate is revoked while it has an active invalidation, or no longer stands), so
 * invalidating sets the bit and reinstating clears it with no second copy to keep in step.
 */
@Injectable()
export class StatusListsService {
  private readonly cache = new Map<number, SignedStatusList>();

  constructor(
    private readonly statusLists: StatusListsRepository,
    @Inject(KEY_SET) private readonly keys: KeySet,
    @Inject(CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The signed list, reused until its validUntil (STATUS_LIST_TTL after signing): a copy is never
   * served, nor cached downstream (max-age is what is left), past the time verifiers refuse it.
   */
  async statusListCredential(list: number): Promise<SignedStatusList> {
    const cached = this.cache.get(list);
    if (cached && Date.now() < cached.validUntil.getTime()) return cached;
    if (!(await this.statusLists.listExists(list))) throw new NotFoundError('status list', String(list));
    const encodedList = encodeStatusList(await this.statusLists.revokedIndexes(list));
    // Whole seconds, as the credential writes them, so validUntil is exactly what is signed.
    const validFrom = new Date(Math.floor(Date.now() / 1000) * 1000);
    const validUntil = new Date(validFrom.getTime() + Math.ceil(this.config.signing.statusListTtlMs / 1000) * 1000);
    const credential = buildStatusListCredential({ publicUrl: this.config.http.publicUrl, issuerName: this.config.signing.issuerName, issuerDidWeb: this.config.signing.issuerDidWeb, list, encodedList, validFrom, validUntil });
    const signed = { jws: await signCredential(credential, this.keys.active, { format: this.config.signing.format }), validUntil };
    this.cache.set(list, signed);
    return signed;
  }
}
