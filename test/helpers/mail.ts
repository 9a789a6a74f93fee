import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
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

/**
 * The service with its mail going to a relay that refuses every address with "refused" in it for
 * good (550, as a relay refuses an unknown mailbox) and accepts the others. `accepted` lists the
 * addresses it took, in order.
 */
export function useServiceWithRefusingRelay(extraEnv: Record<string, string> = {}) {
  const accepted: string[] = [];
  const relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.includes('refused')) return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        accepted.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  const env: Record<string, string> = { ...extraEnv };
  beforeAll(async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    env.SMTP_URL = `smtp://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });
  return { ctx: useService(env), accepted };
}
