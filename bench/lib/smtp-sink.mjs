// A minimal SMTP sink for the benchmarks: accepts every message, remembers its recipients and
// the reset code found in its plain text, and counts. It parses nothing else, so it costs the
// machine (which the service under test shares) as little as possible.
import { SMTPServer } from 'smtp-server';

/** A 6-digit code alone on a line (the reset email's plain-text part; quoted-printable leaves digits as they are). */
const CODE_LINE = /^\s*(\d{6})\s*\r?$/m;

export class SmtpSink {
  /** Every message received: { to: string[], code?: string, at: number }. */
  messages = [];
  /** The newest code delivered to each address. */
  codes = new Map();
  port = 0;
  #server;
  #waiters = new Set();

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0) {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', async () => {
          const buffer = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const raw = buffer.toString('latin1');
          // Quoted-printable soft line breaks removed; a base64 body needs the full parser.
          let code = CODE_LINE.exec(raw.replace(/=\r?\n/g, ''))?.[1];
          // Only a base64 body hides a code from the pattern: parsing every message (the
          // password-changed notices of the resetPassword scenario, the drain's) would spend the
          // load generator's CPU, which the service shares.
          if (!code && /^Content-Transfer-Encoding:\s*base64/im.test(raw) && /reset/i.test(raw.slice(0, 4096))) {
            const { simpleParser } = await import('mailparser');
            code = CODE_LINE.exec((await simpleParser(buffer)).text ?? '')?.[1];
          }
          this.messages.push({ to, code, at: performance.now() });
          if (code) for (const address of to) this.codes.set(address, code);
          for (const check of this.#waiters) check();
          callback();
        });
      },
    });
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', resolve);
    });
    this.port = this.#server.server.address().port;
    return this;
  }

  async stop() {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Resolves with the time (performance.now()) at which the sink held `count` messages; rejects after `timeoutMs`. */
  waitForCount(count, timeoutMs) {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.messages.length >= count) {
          this.#waiters.delete(check);
          clearTimeout(timer);
          resolve(this.messages[count - 1]?.at ?? performance.now());
        }
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`SMTP sink: ${this.messages.length} of ${count} messages after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}
