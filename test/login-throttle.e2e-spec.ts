/**
 * Failed logins throttle the attacker, not the owner: the tight limit counts per (account
 * name, client IP), a looser one per name from every address until a password reset, names
 * without an account are throttled exactly the same, and a try that cannot be counted is
 * refused.
 */
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, NEW_PASSWORD, TestAccount } from './support/accounts.js';
import { statuses, xff } from './support/rate-limit.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

describe('login throttling per (name, client IP) and per name', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    // Defaults but the per-name ceiling, kept small: 10 per (name, IP), 25 per name, 100 per IP.
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', TRUST_PROXY: 'true', LOGIN_MAX_ACCOUNT_FAILURES: '25' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  let ipCounter = 0;
  const freshIp = () => {
    ipCounter += 1;
    return `203.0.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
  };
  const login = (username: string, password: string, ip: string) => t.http.post('/auth/login', { username, password }, xff(ip));
  const wrong = (i: number) => `Wrong-Password-${i}!`;

  it('an attacker hammering an account from one address does not lock out its owner at another', async () => {
    const victim = await createAccount(t);
    const attacker = freshIp();
    const attack = await statuses(50, (i) => login(victim.username, wrong(i), attacker));
    expect(attack).toEqual([...Array(10).fill(401), ...Array(40).fill(429)]);
    const blocked = await login(victim.username, victim.password, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error_code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The owner, from their own address, with the email address or the username.
    const home = freshIp();
    expect((await login(victim.email, victim.password, home)).status).toBe(200);
    expect((await login(victim.username, victim.password, home)).status).toBe(200);
  });

  it('counts an IPv6 client by its /64 network, so rotating addresses inside it gains no tries', async () => {
    const victim = await createAccount(t);
    // One /64 hands out 2^64 addresses; every try comes from another one of them.
    const attack = await statuses(12, (i) => login(victim.username, wrong(i), `2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(attack).toEqual([...Array(10).fill(401), 429, 429]);
    // IPv4-mapped IPv6 is the IPv4 address it carries.
    const mapped = await statuses(11, (i) => login(victim.email, wrong(i), i % 2 ? '198.51.100.7' : '::ffff:198.51.100.7'));
    expect(mapped).toEqual([...Array(10).fill(401), 429]);
    // The owner in another /64 logs in.
    expect((await login(victim.username, victim.password, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('throttles a name without an account exactly like one with an account', async () => {
    const known = await createAccount(t);
    const sequence = async (name: string) => {
      const ip = freshIp();
      return [...(await statuses(12, (i) => login(name, wrong(i), ip))), (await login(name, wrong(99), freshIp())).status];
    };
    const expected = await sequence(known.username);
    expect(expected).toEqual([...Array(10).fill(401), 429, 429, 401]);
    expect(await sequence('no.such.login')).toEqual(expected);
    expect(await sequence('no.such.login@example.com')).toEqual(expected);
  });

  async function resetByLink(account: TestAccount) {
    const before = smtp.messages.filter(smtp.to(account.email)).length;
    expect((await t.http.post('/api/auth/password/reset-request', { email: account.email })).status).toBe(200);
    const mails = await smtp.waitFor((m) => smtp.to(account.email)(m) && m.subject === 'Reset your password', before + 1);
    const { token } = secretsFrom(mails[mails.length - 1]);
    const res = await t.http.post(`/api/auth/password/reset?token=${token}`, { password: NEW_PASSWORD });
    expect(res.status).toBe(200);
  }

  it('guessing spread over many addresses reaches the per-name ceiling: 429 for the right password too, until a password reset', async () => {
    const victim = await createAccount(t);
    // 25 failures from 5 addresses, 5 each: below the per-address limit, at the per-name one.
    const attack = await statuses(25, (i) => login(victim.username, wrong(i), `198.51.100.${(i % 5) + 1}`));
    expect(attack.every((s) => s === 401)).toBe(true);
    const home = freshIp();
    const blocked = await login(victim.username, victim.password, home);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(3600);
    // The same for a name without an account.
    const ghost = await statuses(25, (i) => login('ghost.of.many', wrong(i), `198.51.100.${(i % 5) + 1}`));
    expect(ghost).toEqual(attack);
    expect((await login('ghost.of.many', wrong(99), home)).status).toBe(429);

    await resetByLink(victim);
    expect((await login(victim.username, NEW_PASSWORD, home)).status).toBe(200);
    // Every throttle of the account's names was lifted, the per-address one too.
    expect((await login(victim.username, NEW_PASSWORD, '198.51.100.1')).status).toBe(200);
  });

  it('refuses a login whose try cannot be counted, even with the right password (fail closed)', async () => {
    const a = await createAccount(t);
    const db = t.app.get(DataSource);
    // New failure rows are refused; everything else works.
    await db.query(`ALTER TABLE login_failures ADD CONSTRAINT refuse_new_rows CHECK (false) NOT VALID`);
    try {
      const right = await login(a.username, a.password, freshIp());
      expect(right.status).toBe(503);
      expect(right.body.error_code).toBe('service_unavailable');
      expect((await login(a.username, wrong(1), freshIp())).status).toBe(503);
    } finally {
      await db.query(`ALTER TABLE login_failures DROP CONSTRAINT refuse_new_rows`);
    }
    expect((await login(a.username, a.password, freshIp())).status).toBe(200);
  });
});
