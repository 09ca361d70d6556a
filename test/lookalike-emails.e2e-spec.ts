/**
 * Look-alike addresses: `ada@example.ℂom` (ℂ maps to c), `ada@exam\u00adple.com` (a soft hyphen)
 * and `ada@exa\u200bmple.com` (a zero-width space) used to register as new accounts, although
 * mail software maps their domains (UTS #46) to example.com and delivers to ada's mailbox.
 * Addresses are now compared in their normal form, and invisible characters are refused.
 */
import { DataSource } from 'typeorm';
import { NormalizeEmails1796100000000 } from '../src/database/migrations/1796100000000-normalize-emails.js';
import { createAccount, login } from './support/accounts.js';
import { startTestApp, TestApp } from './support/app.js';

describe('look-alike email addresses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (username: string, email: string) => t.http.post('/auth/register', { username, email, password: 'StrongPassword123!' });

  it('an address that maps to an existing one is that account (409)', async () => {
    const victim = await createAccount(t);
    const [local] = victim.email.split('@');
    for (const email of [`${local}@example.\u2102om`, `${local.toUpperCase()}@Example.\u2102OM`, `${local}@exampl\u212f.com`]) {
      const res = await register(`attacker.${Math.random().toString(36).slice(2)}`, email);
      expect([email, res.status, res.body.error_code]).toEqual([email, 409, 'account_exists']);
    }
  });

  it('invisible and format characters in emails and usernames are refused with a validation error', async () => {
    for (const email of ['ada@exam\u00adple.com', 'ada@exa\u200bmple.com', 'a\u200dda@example.com', 'ada@example.com\u202e', 'ada\u2060@example.com']) {
      const res = await register(`someone.${Math.random().toString(36).slice(2)}`, email);
      expect([JSON.stringify(email), res.status, res.body.errors?.[0]?.type]).toEqual([JSON.stringify(email), 400, 'noInvisibleCharacters']);
    }
    const username = await register('ad\u00ada', 'fresh@example.org');
    expect([username.status, username.body.error_code]).toEqual([400, 'validation_failed']);
    // The same on the reset contracts that take an address or a username.
    const sendEmail = await t.http.post('/api/auth/forgotPassword/sendEmail', { username: 'ad\u200ba' });
    expect(sendEmail.body).toMatchObject({ error_code: 'validation_failed' });
    const resetRequest = await t.http.post('/api/auth/password/reset-request', { email: 'ada@exam\u00adple.com' });
    expect(resetRequest.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a reset requested with a look-alike of the address reaches the account', async () => {
    const account = await createAccount(t);
    const [local] = account.email.split('@');
    const res = await t.http.post('/api/auth/password/reset-request', { email: `${local}@example.\u2102om` });
    expect(res.status).toBe(200);
    expect((await login(t, `${local}@EXAMPLE.\u2102OM`, account.password)).status).toBe(200);
  });

  it('the migration normalizes stored addresses, keeping the first of two that collide', async () => {
    const db = t.app.get(DataSource);
    const first = await createAccount(t, { withEmail: false });
    const second = await createAccount(t, { withEmail: false });
    const third = await createAccount(t, { withEmail: false });
    // Rows as an older version stored them (lower-cased only).
    await db.query(`INSERT INTO user_emails (user_id, email, created_at) VALUES ($1, $2, now() - interval '2 days')`, [first.id, 'old.user@bücher.de']);
    await db.query(`INSERT INTO user_emails (user_id, email, created_at) VALUES ($1, $2, now() - interval '1 day')`, [second.id, 'old.user@b\u00fccher.d\u00ade']);
    await db.query(`INSERT INTO user_emails (user_id, email) VALUES ($1, $2)`, [third.id, 'twin@example.\u2102om']);
    const runner = db.createQueryRunner();
    try {
      await new NormalizeEmails1796100000000().up(runner);
    } finally {
      await runner.release();
    }
    const rows = await db.query(`SELECT user_id, email FROM user_emails WHERE user_id = ANY($1) ORDER BY created_at`, [[first.id, second.id, third.id]]);
    expect(rows).toEqual([
      { user_id: first.id, email: 'old.user@xn--bcher-kva.de' },
      { user_id: second.id, email: 'old.user@b\u00fccher.d\u00ade' },
      { user_id: third.id, email: 'twin@example.com' },
    ]);
    expect((await login(t, 'old.user@bücher.de', first.password)).status).toBe(200);
    expect((await login(t, 'twin@example.com', third.password)).status).toBe(200);
  });
});
