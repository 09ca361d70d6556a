import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, TestAccount } from './support/accounts.js';
import { PageForms } from './support/page-form.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

/**
 * Verified email addresses over real HTTP with a real SMTP sink: adding, verifying by code and
 * by link token, the try cap, single use, expiry, primary switch and removal rules, the
 * verification email at registration, and resets that need a verified address.
 * On PGlite, or PostgreSQL with DATABASE_URL.
 */
describe('verified email addresses', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', EMAIL_VERIFICATION_ON_REGISTER: 'true', RESET_MAX_ATTEMPTS: '3' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const tokenOf = async (a: TestAccount) => (await login(t, a.username, a.password)).body.access_token as string;
  const mailTo = async (address: string, count = 1) => (await smtp.waitFor(smtp.to(address), count))[count - 1];
  const emails = (token: string) => t.http.get('/auth/me/emails', { token });
  const add = (token: string, email: string) => t.http.post('/auth/me/emails', { email }, { token });
  const remove = (token: string, email: string) => t.http.request('DELETE', `/auth/me/emails/${encodeURIComponent(email)}`, undefined, { token });
  const makePrimary = (token: string, email: string) => t.http.post(`/auth/me/emails/${encodeURIComponent(email)}/primary`, undefined, { token });
  const verify = (body: Record<string, unknown>) => t.http.post('/auth/emails/verify', body);
  const resend = (token: string, email: string, body?: Record<string, unknown>) =>
    t.http.post(`/auth/me/emails/${encodeURIComponent(email)}/verification`, body, { token });

  /** An account (registered without an address, so only added ones get mail) and its token. */
  async function accountWithoutAddress() {
    const a = await createAccount(t, { withEmail: false });
    return { a, token: await tokenOf(a) };
  }

  it('registering with an address sends it a verification email; the code verifies it', async () => {
    const a = await createAccount(t);
    const mail = await mailTo(a.email);
    const { code, link } = secretsFrom(mail);
    expect(link).toContain('/verify-email?token=');
    const token = await tokenOf(a);
    expect((await emails(token)).body).toEqual([{ email: a.email, primary: true, verified: false, verified_at: null }]);
    const res = await verify({ email: a.email, code });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ email: a.email, verified_at: expect.any(String) });
    expect((await emails(token)).body).toEqual([{ email: a.email, primary: true, verified: true, verified_at: expect.any(String) }]);
    const events = await db.query(`SELECT type, data FROM account_events WHERE account_id = $1 ORDER BY occurred_at, type`, [a.id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['account.created', 'email.added', 'email.verified']));
  });

  it('adding an address mails it a code and a link; the link token verifies it, once', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.added@example.com`;
    const res = await add(token, address);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email: address, primary: true, verified: false, verified_at: null });
    const { token: linkToken, code } = secretsFrom(await mailTo(address));
    expect(code).toMatch(/^\d{6}$/);
    expect((await verify({ token: linkToken })).status).toBe(200);
    const again = await verify({ token: linkToken });
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('verification_failed');
    expect((await emails(token)).body[0].verified).toBe(true);
    // Only keyed hashes are stored.
    const [row] = await db.query(`SELECT code_hash, token_hash FROM email_verifications WHERE email = $1`, [address]);
    expect(Buffer.from(row.token_hash).toString()).not.toContain(linkToken);
    expect(Buffer.from(row.code_hash).toString('hex')).not.toContain(code);
  });

  it('resends a verification in the asked locale; the earlier code stops working; a verified or unknown address is refused', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.resend@example.com`;
    expect((await add(token, address)).status).toBe(201);
    const first = secretsFrom(await mailTo(address, 1));
    const res = await resend(token, address, { locale: 'de' });
    expect(res.status).toBe(202);
    const second = await mailTo(address, 2);
    expect(second.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse');
    // Without a body, in the default locale.
    expect((await resend(token, address)).status).toBe(202);
    const third = await mailTo(address, 3);
    expect(third.subject).not.toBe(second.subject);
    for (const older of [first, secretsFrom(second)]) {
      expect((await verify({ email: address, code: older.code })).body).toMatchObject({ error_code: 'verification_failed' });
    }
    expect((await verify({ email: address, code: secretsFrom(third).code })).status).toBe(200);
    const again = await resend(token, address);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error_code: 'email_already_verified' });
    expect((await resend(token, `${a.username}.never-added@example.com`)).status).toBe(404);
    expect(smtp.messages.filter(smtp.to(address))).toHaveLength(3);
    expect((await t.http.post(`/auth/me/emails/${encodeURIComponent(address)}/verification`, undefined)).status).toBe(401);
  });

  it('counts wrong codes up to the cap, then refuses even the right one', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.cap@example.com`;
    await add(token, address);
    const { code } = secretsFrom(await mailTo(address));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i += 1) {
      const res = await verify({ email: address, code: wrong });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('verification_failed');
    }
    const capped = await verify({ email: address, code });
    expect(capped.status).toBe(400);
    expect(capped.body.error_code).toBe('verification_attempts_exceeded');
    expect((await emails(token)).body[0].verified).toBe(false);
  });

  it('of two verifications at once exactly one wins', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.race@example.com`;
    await add(token, address);
    const { token: linkToken, code } = secretsFrom(await mailTo(address));
    const results = await Promise.all([verify({ token: linkToken }), verify({ email: address, code })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const events = await db.query(`SELECT 1 FROM account_events WHERE account_id = $1 AND type = 'email.verified'`, [a.id]);
    expect(events).toHaveLength(1);
  });

  it('an expired verification answers verification_expired', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.expired@example.com`;
    await add(token, address);
    const { token: linkToken, code } = secretsFrom(await mailTo(address));
    await db.query(`UPDATE email_verifications SET expires_at = now() - interval '1 second' WHERE email = $1`, [address]);
    for (const body of [{ token: linkToken }, { email: address, code }]) {
      const res = await verify(body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('verification_expired');
    }
  });

  it('an unknown address, a malformed token and a missing field are refused cleanly', async () => {
    expect((await verify({ email: 'nobody.here@example.com', code: '123456' })).body.error_code).toBe('verification_failed');
    expect((await verify({ token: 'x'.repeat(64) })).body.error_code).toBe('verification_failed');
    const missing = await verify({});
    expect(missing.status).toBe(400);
    expect(missing.body.error_code).toBe('validation_failed');
    expect((await verify({ email: 'a@example.com' })).status).toBe(400);
  });

  it('an address of another account is 409 email_taken; one of this account 409 email_already_added', async () => {
    const other = await createAccount(t);
    const { a, token } = await accountWithoutAddress();
    const taken = await add(token, other.email.toUpperCase());
    expect(taken.status).toBe(409);
    expect(taken.body.error_code).toBe('email_taken');
    const own = `${a.username}.own@example.com`;
    expect((await add(token, own)).status).toBe(201);
    const again = await add(token, own);
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('email_already_added');
  });

  it('switches the primary address; the primary goes only last or after a switch', async () => {
    const { a, token } = await accountWithoutAddress();
    const first = `${a.username}.one@example.com`;
    const second = `${a.username}.two@example.com`;
    await add(token, first);
    const added = await add(token, second);
    expect(added.body.primary).toBe(false);
    const refused = await remove(token, first);
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('primary_email');
    const switched = await makePrimary(token, second);
    expect(switched.status).toBe(200);
    expect(switched.body.map((e: { email: string; primary: boolean }) => [e.email, e.primary])).toEqual([[second, true], [first, false]]);
    expect((await remove(token, first)).status).toBe(204);
    expect((await remove(token, second)).status).toBe(204);
    expect((await emails(token)).body).toEqual([]);
    const missing = await remove(token, second);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('email_not_found');
    expect((await makePrimary(token, second)).body.error_code).toBe('email_not_found');
    const events = await db.query(`SELECT type FROM account_events WHERE account_id = $1 AND type = 'email.removed'`, [a.id]);
    expect(events).toHaveLength(2);
  });

  it('the hosted page: a GET shows a confirm button and verifies nothing; the form POST with its CSRF token verifies', async () => {
    const { a, token } = await accountWithoutAddress();
    const address = `${a.username}.page@example.com`;
    await add(token, address);
    const { link } = secretsFrom(await mailTo(address));
    const path = new URL(link).pathname + new URL(link).search;
    const forms = new PageForms(t.http);
    const page = await forms.open(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/verify-email"');
    await forms.open(path);
    expect((await emails(token)).body[0].verified).toBe(false);
    const linkToken = new URL(link).searchParams.get('token')!;
    // Without the form's CSRF token the POST is refused and verifies nothing.
    const forged = await t.http.post('/verify-email', undefined, { form: { token: linkToken } });
    expect(forged.status).toBe(403);
    expect((await emails(token)).body[0].verified).toBe(false);
    const done = await forms.submit('/verify-email', { token: linkToken }, PageForms.token(page));
    expect(done.status).toBe(200);
    expect(done.text).toContain('id="verified"');
    expect((await emails(token)).body[0].verified).toBe(true);
    // Used: the link's page now says it cannot be used.
    expect((await forms.open(path)).status).toBe(410);
  });

  it('the routes need a Bearer token', async () => {
    expect((await t.http.get('/auth/me/emails')).status).toBe(401);
    expect((await t.http.post('/auth/me/emails', { email: 'x@example.com' })).status).toBe(401);
  });
});

describe('with RESET_REQUIRE_VERIFIED_EMAIL=true', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', RESET_REQUIRE_VERIFIED_EMAIL: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const resetRequest = (email: string) => t.http.post('/api/auth/password/reset-request', { email });

  it('an account without a verified address is answered like one without addresses, and gets no mail', async () => {
    const a = await createAccount(t);
    const withoutAddress = await createAccount(t, { withEmail: false });
    const token = (await login(t, withoutAddress.username, withoutAddress.password)).body.access_token;
    const added = `${withoutAddress.username}@example.com`;
    await t.http.post('/auth/me/emails', { email: added }, { token });
    await smtp.waitFor(smtp.to(added));
    const unverified = await resetRequest(a.email);
    // The username-code contract names accounts by username, so one without any address can be asked for.
    const byName = (username: string) => t.http.post('/api/auth/forgotPassword/sendEmail', { username });
    const bare = await createAccount(t, { withEmail: false });
    const none = await byName(bare.username);
    const addedOnly = await byName(withoutAddress.username);
    expect(addedOnly.body).toEqual(none.body);
    const onlyUnverified = await byName(a.username);
    expect(unverified.status).toBe(400);
    expect(unverified.body.code).toBe('EMAIL_NOT_AVAILABLE');
    expect(onlyUnverified.status).toBe(none.status);
    expect(onlyUnverified.body).toEqual(none.body);
    expect(smtp.messages.filter(smtp.to(a.email))).toHaveLength(0);
  });

  it('reset mail goes only to verified addresses; the last verified address cannot be removed', async () => {
    const a = await createAccount(t, { withEmail: false });
    const token = (await login(t, a.username, a.password)).body.access_token;
    const verified = `${a.username}.v@example.com`;
    const unverified = `${a.username}.u@example.com`;
    await t.http.post('/auth/me/emails', { email: verified }, { token });
    const { code } = secretsFrom((await smtp.waitFor(smtp.to(verified)))[0]);
    expect((await t.http.post('/auth/emails/verify', { email: verified, code })).status).toBe(200);
    await t.http.post('/auth/me/emails', { email: unverified }, { token });
    await smtp.waitFor(smtp.to(unverified));
    expect((await t.http.post('/api/auth/password/reset-request', { email: verified })).status).toBe(200);
    const resetMails = await smtp.waitFor((m) => m.to.includes(verified), 2);
    expect(resetMails).toHaveLength(2);
    expect(smtp.messages.filter(smtp.to(unverified))).toHaveLength(1);
    const refused = await t.http.request('DELETE', `/auth/me/emails/${encodeURIComponent(verified)}`, undefined, { token });
    expect(refused.status).toBe(409);
    // The primary rule comes first: make the unverified one primary, then the verified one is still the last verified.
    await t.http.post(`/auth/me/emails/${encodeURIComponent(unverified)}/primary`, undefined, { token });
    const last = await t.http.request('DELETE', `/auth/me/emails/${encodeURIComponent(verified)}`, undefined, { token });
    expect(last.status).toBe(409);
    expect(last.body.error_code).toBe('last_verified_email');
  });
});
