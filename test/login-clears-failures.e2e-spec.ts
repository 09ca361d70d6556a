/**
 * A successful login clears the failed attempts of its account name from its address, and a
 * try is not counted as a failure when the password is right.
 */
import { DataSource } from 'typeorm';
import { IdentifierKeys } from '../src/reset/identifiers.js';
import { startTestApp, TEST_SECRETS, TestApp } from './support/app.js';
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
  const keys = new IdentifierKeys(TEST_SECRETS.RESET_SECRET);
  /** Failures of this name from the test client's address. */
  const failures = async (username: string) =>
    (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM login_failures WHERE subject = $1`, [`login:${keys.of(username)}@127.0.0.1`]))[0].n;

  it('starts the count again after a success', async () => {
    const a = await createAccount(t);
    expect((await login(a.username, 'Wrong-Pass-1!')).status).toBe(401);
    expect((await login(a.username, 'Wrong-Pass-2!')).status).toBe(401);
    expect(await failures(a.username)).toBe(2);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect(await failures(a.username)).toBe(0);
    // Two more failures stay below the limit of 3 because the first two were cleared.
    expect((await login(a.username, 'Wrong-Pass-3!')).status).toBe(401);
    expect((await login(a.username, 'Wrong-Pass-4!')).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(200);
  });

  it('a success is not counted as a failure', async () => {
    const a = await createAccount(t);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect((await login(a.username, a.password)).status).toBe(200);
    expect(await failures(a.username)).toBe(0);
  });

  it('still throttles once the limit is reached', async () => {
    const a = await createAccount(t);
    for (let i = 0; i < 3; i++) expect((await login(a.username, `Wrong-Pass-${i}!`)).status).toBe(401);
    expect((await login(a.username, a.password)).status).toBe(429);
  });
});
