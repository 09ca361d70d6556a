/**
 * A successful login clears the account's failed attempts (and only a login that has some to
 * clear writes anything: the benchmark's login path skips the DELETE otherwise).
 */
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';

describe('login failures and a successful login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (username: string, password: string) => t.http.post('/auth/login', { username, password });
  const failures = async (userId: string) =>
    (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM login_failures WHERE subject = $1`, [`account:${userId}`]))[0].n;

  it('starts the count again after a success', async () => {
    const a = await createAccount(t);
    expect((await login(a.username, 'Wrong-Pass-1!')).status).toBe(401);
    expect((await login(a.username, 'Wrong-Pass-2!')).status).toBe(401);
    expect(await failures(a.id)).toBe(2);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect(await failures(a.id)).toBe(0);
    // Two more failures stay below the limit of 3 because the first two were cleared.
    expect((await login(a.username, 'Wrong-Pass-3!')).status).toBe(401);
    expect((await login(a.username, 'Wrong-Pass-4!')).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(200);
  });

  it('a success without earlier failures leaves the table alone and still answers 200', async () => {
    const a = await createAccount(t);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect(await failures(a.id)).toBe(0);
  });

  it('still throttles once the limit is reached', async () => {
    const a = await createAccount(t);
    for (let i = 0; i < 3; i++) expect((await login(a.username, `Wrong-Pass-${i}!`)).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(429);
  });
});
