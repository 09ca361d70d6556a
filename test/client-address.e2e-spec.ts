/**
 * With TRUST_PROXY the client address comes from X-Forwarded-For, which the client partly writes.
 * Anything there that is not an IP address is not used: the request counts for the socket peer.
 * Before, a value over 300 characters made recording the failed login fail (so neither the
 * account nor the address was ever counted: unlimited guessing), and any other string was a
 * fresh "address" with a fresh budget per request.
 */
import { createAccount } from './support/accounts.js';
import { startTestApp, TestApp } from './support/app.js';
import { LogCapture } from './support/log-capture.js';

describe('client address behind a trusted proxy', () => {
  // A fresh service per test: every test client is 127.0.0.1, whose per-IP budget each test spends.
  let t: TestApp;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = new LogCapture();
    t = await startTestApp({ TRUST_PROXY: 'true', LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_IP: '5', LOG_LEVEL: 'info' }, { logDestination: logs });
  });
  afterEach(async () => {
    await t.close();
  });

  const wrongLogin = (username: string, forwardedFor: string) =>
    t.http.post('/auth/login', { username, password: 'WrongPassword1!' }, { headers: { 'x-forwarded-for': forwardedFor } });

  it('counts failed logins with an over-long X-Forwarded-For against the account', async () => {
    const account = await createAccount(t);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await wrongLogin(account.username, `203.0.113.${i}, ${'x'.repeat(400)}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The request log names the socket peer too.
    await t.http.get('/auth/me', { headers: { 'x-forwarded-for': 'x'.repeat(500), 'x-request-id': 'req-bad-xff' } });
    expect((await logs.waitForRequest('req-bad-xff', 10_000)).clientIp).toBe('127.0.0.1');
  });

  it('counts requests with a forwarded value that is not an IP address for the socket peer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await wrongLogin(`nobody.${i}`, `not-an-ip-${i}`)).status);
    // Five failures from 127.0.0.1 (per-IP limit 5) whatever the header said.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('uses a valid forwarded address, IPv4 or IPv6', async () => {
    const statuses: number[] = [];
    // Each from its own forwarded address: no per-IP budget runs out.
    for (let i = 0; i < 6; i++) statuses.push((await wrongLogin(`someone.${i}`, i % 2 ? `2001:db8::${i}` : `198.51.100.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // And one address is one budget.
    const same: number[] = [];
    for (let i = 0; i < 6; i++) same.push((await wrongLogin(`other.${i}`, '192.0.2.7')).status);
    expect(same).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
