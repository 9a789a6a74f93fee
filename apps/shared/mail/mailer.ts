import nodemailer from 'nodemailer';
import type { AppConfig } from '../config';

export interface Mail {
  to: { name: string; address: string };
  cc?: string | null;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer with pooled connections; null when no SMTP_URL is configured. */
export function createMailer(config: AppConfig['mail']): Mailer | null {
  if (!config.smtpUrl) return null;
  const transport = nodemailer.createTransport({ url: config.smtpUrl, pool: true, maxConnections: 4 }, { from: config.from });
  return {
    async send(mail) {
      await transport.sendMail({ to: mail.to, cc: mail.cc ?? undefined, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close() {
      transport.close();
    },
  };
}
