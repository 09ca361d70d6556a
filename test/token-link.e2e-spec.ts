import { jest } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { getPGliteInstance } from 'typeorm-pglite';
import { MailDeliveryWorker } from '../src/mail/mail-delivery.worker.js';
import { PasswordHasher } from '../src/password/password-hasher.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { serverUrl } from './support/database.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const BASE = '/api/auth/password';

/** What an error body must never carry: stacks, SQL, table names, file paths, the injected cause. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .*\.(js|ts):\d+|node_modules|src\//);
  expect(text).not.toContain(process.cwd());
  expect(text).not.toMatch(/SELECT|INSERT|UPDATE|relation|mail_outbox|reset_requests|sqlstate|QueryFailed/i);
  expect(text).not.toMatch(/injected|bcrypt|worker crashed|stack/i);
}

async function startApp(smtp: TestSmtpServer, env: Record<string, string> = {}) {
  return startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', ...env });
}

function helpers(getApp: () => TestApp, smtp: TestSmtpServer) {
  return {
    /** Requests a reset through token-link and returns the secrets read from the delivered email. */
    async requestLink(account: TestAccount, body: Record<string, unknown> = {}, query = '') {
      const before = smtp.messages.filter(smtp.to(account.email)).length;
      const res = await getApp().http.post(`${BASE}/reset-request${query}`, { email: account.email, ...body });
      expect(res.status).toBe(200);
      const mails = await smtp.waitFor(smtp.to(account.email), before + 1);
      return { ...secretsFrom(mails[before]), mail: mails[before] };
    },
    reset: (token: string | undefined, password = NEW_PASSWORD, inBody = false) =>
      getApp().http.post(
        `${BASE}/reset${token !== undefined && !inBody ? `?token=${encodeURIComponent(token)}` : ''}`,
        { password, ...(inBody ? { token } : {}) },
      ),
  };
}

describe('token-link: /api/auth/password/reset-request and /api/auth/password/reset', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let h: ReturnType<typeof helpers>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startApp(smtp);
    h = helpers(() => t, smtp);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  describe('POST /api/auth/password/reset-request', () => {
    it('answers 200 {message} and mails a link, in DEFAULT_LOCALE unless a locale is given', async () => {
      const a = await createAccount(t);
      const res = await t.http.post(`${BASE}/reset-request`, { email: a.email }, { headers: { 'accept-language': 'de' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset email sent' });
      const [mail] = await smtp.waitFor(smtp.to(a.email));
      expect(mail.subject).toBe('Reset your password');
      expect(secretsFrom(mail).link).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{64}$/);
      expect((await h.requestLink(a, {}, '?locale=de')).mail.subject).toBe('Passwort zurücksetzen');
      expect((await h.requestLink(a, { locale: 'de' })).mail.subject).toBe('Passwort zurücksetzen');
      expect((await h.requestLink(a, { locale: 'fr' })).mail.subject).toBe('Réinitialisez votre mot de passe');
      expect((await h.requestLink(a, { locale: 'xx' })).mail.subject).toBe('Reset your password');
    });

    it('answers 404 USER_NOT_FOUND for an unknown account', async () => {
      const res = await t.http.post(`${BASE}/reset-request`, { email: 'nobody@example.com' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'USER_NOT_FOUND', message: 'User not found' });
    });

    it('answers 400 EMAIL_NOT_AVAILABLE for an account with no email address', async () => {
      const a = await createAccount(t, { withEmail: false });
      const res = await t.http.post(`${BASE}/reset-request`, { username: a.username });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 'EMAIL_NOT_AVAILABLE', message: 'The account has no email address' });
    });

    it('answers 400 VALIDATION_FAILED for an invalid body', async () => {
      const res = await t.http.post(`${BASE}/reset-request`, { email: 'nope' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 'VALIDATION_FAILED',
        message: 'email must be an email',
        errors: [{ field: 'email', message: 'email must be an email' }],
      });
    });
  });

  describe('POST /api/auth/password/reset', () => {
    it('sets the new password with ?token= and answers 200 {message}', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      const res = await h.reset(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset successful' });
      expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
      expect((await login(t, a.username, PASSWORD)).status).toBe(401);
    });

    it('takes the token from the body too', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      const res = await h.reset(token, NEW_PASSWORD, true);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Password reset successful' });
    });

    it('answers 401 PASSWORD_RESET_TOKEN_MISSING without a token', async () => {
      for (const res of [await h.reset(undefined), await h.reset('')]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ code: 'PASSWORD_RESET_TOKEN_MISSING', message: 'The password reset token is missing' });
      }
    });

    it('answers 401 PASSWORD_RESET_TOKEN_INVALID for unparseable, unknown, superseded and used tokens', async () => {
      const a = await createAccount(t);
      const first = await h.requestLink(a);
      const second = await h.requestLink(a);
      expect((await h.reset(second.token)).status).toBe(200);
      const unknown = second.token.slice(0, 22) + (second.token[22] === 'A' ? 'B' : 'A') + second.token.slice(23);
      for (const token of ['garbage', first.code, unknown, first.token, second.token]) {
        const res = await h.reset(token, 'Another-Pass-42!');
        expect([token, res.status, res.body]).toEqual([
          token,
          401,
          { code: 'PASSWORD_RESET_TOKEN_INVALID', message: 'The password reset token is invalid or was already used' },
        ]);
      }
    });

    it('answers 401 PASSWORD_RESET_TOKEN_EXPIRED for an expired token', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      await t.app.get(DataSource).query(`UPDATE reset_requests SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [a.id]);
      const res = await h.reset(token);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'PASSWORD_RESET_TOKEN_EXPIRED', message: 'The password reset token has expired' });
    });

    it('answers 404 USER_NOT_FOUND when the account was deleted after the request', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      await t.app.get(DataSource).query(`DELETE FROM users WHERE id = $1`, [a.id]);
      const res = await h.reset(token);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'USER_NOT_FOUND', message: 'User not found' });
    });

    it('answers 400 PASSWORD_POLICY_VIOLATION with the violations, keeping the token usable', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      const res = await h.reset(token, 'alllowercase');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        code: 'PASSWORD_POLICY_VIOLATION',
        message: 'The password does not meet the requirements',
        violations: ['uppercase', 'digit', 'special'],
      });
      expect((await h.reset(token)).status).toBe(200);
    });

    it('does not surface a mail failure after the commit (the outbox retries it)', async () => {
      const a = await createAccount(t);
      const { token } = await h.requestLink(a);
      smtp.rejectWith = 451;
      try {
        const res = await h.reset(token);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ message: 'Password reset successful' });
      } finally {
        smtp.rejectWith = undefined;
      }
      await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Your password was changed', 1, 20_000);
    });
  });
});

describe('token-link: internal failures answer 500 with the code and no internals', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let h: ReturnType<typeof helpers>;

  beforeAll(async () => {
    smtp = await startSmtp();
    // A slow poll: here only requests wake the mail worker (one test makes wake() throw).
    t = await startApp(smtp, { MAIL_POLL_INTERVAL_MS: '600000', DEFAULT_LOCALE: 'de' });
    h = helpers(() => t, smtp);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('uses DEFAULT_LOCALE when no locale is given', async () => {
    const a = await createAccount(t);
    expect((await h.requestLink(a)).mail.subject).toBe('Passwort zurücksetzen');
  });

  it('HASH_FAILURE: the hasher throws; nothing is consumed', async () => {
    const a = await createAccount(t);
    const { token } = await h.requestLink(a);
    const hasher = t.app.get(PasswordHasher);
    const spy = jest.spyOn(hasher, 'hash').mockRejectedValue(new Error(`bcrypt injected failure at ${process.cwd()}/src/password/password-hasher.ts:27`));
    try {
      const res = await h.reset(token);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'HASH_FAILURE', message: 'The password could not be processed' });
      expectNoInternals(res.text);
    } finally {
      spy.mockRestore();
    }
    expect((await h.reset(token)).status).toBe(200);
  });

  it('POST_COMMIT_SIDE_EFFECT_FAILURE: the mail worker cannot be started after the commit', async () => {
    const a = await createAccount(t);
    const { token } = await h.requestLink(a);
    const worker = t.app.get(MailDeliveryWorker);
    // Let the delivery run of the request finish first: only the reset may hit the broken wake().
    await worker.idle();
    const spy = jest.spyOn(worker, 'wake').mockImplementation(() => {
      throw new Error(`worker crashed (injected) at ${process.cwd()}/src/mail/mail-delivery.worker.ts:50`);
    });
    try {
      const res = await h.reset(token);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        code: 'POST_COMMIT_SIDE_EFFECT_FAILURE',
        message: 'The password was changed, but a follow-up step failed',
      });
      expectNoInternals(res.text);
    } finally {
      spy.mockRestore();
    }
    // The change itself was committed, and the queued notice goes out with the next run.
    expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
    expect((await h.reset(token)).body.code).toBe('PASSWORD_RESET_TOKEN_INVALID');
    worker.wake();
    await smtp.waitFor((m) => smtp.to(a.email)(m) && m.subject === 'Ihr Passwort wurde geändert');
  });

  it('DATABASE_FAILURE: a table the reset writes to is gone; the transaction rolls back', async () => {
    const a = await createAccount(t);
    const { token } = await h.requestLink(a);
    await t.app.get(DataSource).query(`DROP TABLE mail_outbox`);
    const res = await h.reset(token);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'DATABASE_FAILURE', message: 'A database operation failed' });
    expectNoInternals(res.text);
    expect((await login(t, a.username, PASSWORD)).status).toBe(200);
    expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(401);
  });
});

describe('token-link: the database goes away', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let h: ReturnType<typeof helpers>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startApp(smtp, { MAIL_POLL_INTERVAL_MS: '600000' });
    h = helpers(() => t, smtp);
  });
  afterAll(async () => {
    // On PGlite the instance was closed under the app; closing it again may complain.
    await t.close().catch(() => {});
    await smtp.stop();
  });

  it('DATABASE_FAILURE: every connection is gone and new ones are refused', async () => {
    const a = await createAccount(t);
    const { token } = await h.requestLink(a);
    const server = serverUrl();
    if (!server) {
      // PGlite: the embedded database is shut down under the running app.
      await (await getPGliteInstance()).close();
      const res = await h.reset(token);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'DATABASE_FAILURE', message: 'A database operation failed' });
      expectNoInternals(res.text);
      return;
    }
    // PostgreSQL: the app's connections are terminated and the database refuses new ones.
    const name = new URL(t.db.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
      const res = await h.reset(token);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'DATABASE_FAILURE', message: 'A database operation failed' });
      expectNoInternals(res.text);
      // The database comes back: the same token still works.
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      expect((await h.reset(token)).status).toBe(200);
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.end();
    }
  });
});
