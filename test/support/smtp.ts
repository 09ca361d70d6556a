import type { AddressInfo } from 'node:net';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer, SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server in the test process. Messages are parsed from the delivered MIME, so
 * tests read codes and links the way a person would: from the email.
 */
export class TestSmtpServer {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  port = 0;
  /** When set, every message is answered with this SMTP reply code (e.g. 451 or 550). */
  rejectWith?: number;
  /** When set, each message is accepted only after this many ms (a slow server). */
  holdMs?: number;
  /** Messages received and not yet answered, now and at most so far. */
  inProgress = 0;
  maxInProgress = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<this> {
    const options: SMTPServerOptions = {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          this.maxInProgress = Math.max(this.maxInProgress, ++this.inProgress);
          if (this.holdMs) await new Promise((r) => setTimeout(r, this.holdMs));
          this.inProgress -= 1;
          if (this.rejectWith) {
            const err = Object.assign(new Error(`rejected by test (${this.rejectWith})`), { responseCode: this.rejectWith });
            return callback(err);
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          this.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            parsed,
          });
          callback();
        });
      },
    };
    this.server = new SMTPServer(options);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits until `count` messages to `to` (all recipients when omitted) have arrived. */
  async waitFor(predicate: (m: ReceivedMail) => boolean, count = 1, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} matching message(s) within ${timeoutMs} ms, got ${found.length}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  to(address: string) {
    return (m: ReceivedMail) => m.to.includes(address.toLowerCase());
  }
}

/** The 6-digit code and the link token, read from a reset email's plain-text part. */
export function secretsFrom(mail: ReceivedMail): { code: string; link: string; token: string } {
  const code = /^\s*(\d{6})\s*$/m.exec(mail.text)?.[1];
  const link = /^\s*(https?:\/\/\S+[?&]token=\S+)\s*$/m.exec(mail.text)?.[1];
  if (!code || !link) throw new Error(`no code or link in:\n${mail.text}`);
  return { code, link, token: new URL(link).searchParams.get('token')! };
}

export async function startSmtp(): Promise<TestSmtpServer> {
  return new TestSmtpServer().start();
}
