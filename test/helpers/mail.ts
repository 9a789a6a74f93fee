import { startMailCatcher } from '../../scripts/lib/mail-catcher.cjs';
import { useService } from './service';

export type MailCatcher = Awaited<ReturnType<typeof startMailCatcher>>;

/**
 * The service with its mail going to an SMTP server started here, for tests that read what
 * learners receive. `mail()` is the catcher once the suite has started.
 */
export function useServiceWithMail(extraEnv: Record<string, string> = {}) {
  let catcher: MailCatcher | undefined;
  const env: Record<string, string> = { ...extraEnv };
  beforeAll(async () => {
    catcher = await startMailCatcher();
    env.SMTP_URL = catcher.smtpUrl;
    env.MAIL_FROM = 'Certificates Desk <desk@certificates.test>';
  });
  afterAll(async () => {
    await catcher?.stop();
  });
  const ctx = useService(env);
  const mail = (): MailCatcher => {
    if (!catcher) throw new Error('the mail catcher starts before the first test');
    return catcher;
  };
  return { ctx, mail };
}
