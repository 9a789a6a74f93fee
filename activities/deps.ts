import type { Database } from '../apps/shared/database';
import type { CredentialFormat } from '../apps/shared/credentials/sign-credential';
import type { KeySet } from '../apps/shared/credentials/signing-keys';
import type { Mailer } from '../apps/shared/mail/mailer';

/** What activities need from the world; the worker and the tests build it the same way. */
export interface ActivityDeps {
  db: Database;
  keys: KeySet;
  /** didWeb: credentials name our did:web DID as issuer (ISSUER_DID_WEB). */
  issuer: { publicUrl: string; name: string; format?: CredentialFormat; didWeb?: boolean };
  /** Null when no SMTP server is configured: mail activities then send nothing. */
  mailer?: Mailer | null;
  /** Certificate mails per second for this worker (CERTIFICATE_MAIL_RATE); unset: 10. */
  certificateMailRate?: number;
}
