/**
 * Bad input that used to reach a 500 (or hold the event loop): deeply nested JSON (~300 ms in
 * the validation pipe's walk over the value, which copies its path at every level, to a stack
 * overflow), a NUL or other control character
 * in a field (PostgreSQL refuses NUL in text: a 500 on every lookup), `null` where a
 * string is expected (`current_password: null` was a 500 `hash_failure`), and nested values in
 * fields. Each is a 4xx in the contract's validation shape.
 */
import { NEW_PASSWORD, createAccount, login } from './support/accounts.js';
import { startTestApp, TestApp } from './support/app.js';

describe('bad input answered with a 4xx in the contract shape', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const raw = (path: string, body: string, method = 'POST', headers: Record<string, string> = {}) =>
    t.http.request(method, path, undefined, { raw: body, headers: { 'content-type': 'application/json', ...headers } });

  describe('deeply nested JSON', () => {
    // 16 KB of brackets, inside a field and at the top.
    const inField = `{"username":${'['.repeat(7990)}${']'.repeat(7990)},"password":"x"}`;
    const atTop = `${'['.repeat(8000)}${']'.repeat(8000)}`;

    it('is refused while parsing, in every contract shape', async () => {
      const cases: [string, string, number, unknown][] = [
        ['/auth/login', inField, 400, { statusCode: 400, error_code: 'invalid_json', message: expect.stringContaining('nested deeper than 32') }],
        ['/auth/register', atTop, 400, { statusCode: 400, error_code: 'invalid_json', message: expect.stringContaining('nested deeper than 32') }],
        ['/login', inField, 422, { detail: [{ loc: ['body'], msg: expect.any(String), type: 'json_invalid' }] }],
        ['/api/auth/forgotPassword/sendEmail', atTop, 400, { msg: expect.stringContaining('nested deeper than 32'), error_code: 'invalid_json' }],
        ['/api/auth/password/reset-request', inField, 400, { code: 'INVALID_JSON', message: expect.stringContaining('nested deeper than 32') }],
        ['/auth/forgotpassword', inField, 400, { statusCode: 400, error_code: 'invalid_json', message: expect.any(String) }],
      ];
      for (const [path, body, status, shape] of cases) {
        expect(Buffer.byteLength(body)).toBeLessThan(16 * 1024);
        const res = await raw(path, body);
        expect([path, res.status, res.body]).toEqual([path, status, shape]);
      }
    });

    it('counts only brackets outside strings, and allows 32 levels', async () => {
      const bracketsInAString = JSON.stringify({ username: '['.repeat(100), password: 'x' });
      expect((await raw('/auth/login', bracketsInAString)).status).toBe(401);
      const depth32 = `{"a":${'['.repeat(31)}${']'.repeat(31)}}`;
      const res = await raw('/auth/register', depth32);
      // Parsed (32 levels), then refused by validation as an unknown field, not as JSON.
      expect([res.status, res.body.error_code]).toEqual([400, 'validation_failed']);
      const depth33 = `{"a":${'['.repeat(32)}${']'.repeat(32)}}`;
      expect((await raw('/auth/register', depth33)).body.error_code).toBe('invalid_json');
    });
  });

  describe('nested values and null in fields', () => {
    it('refuses an array or an object where a field takes a single value', async () => {
      const res = await raw('/api/auth/forgotPassword/checkCode', JSON.stringify({ username: [[['x']]], code: '123456' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ msg: 'username must be a single value, not an array', error_code: 'validation_failed', errors: [{ field: 'username', msg: expect.any(String) }] });
      const wide = await raw('/auth/login', JSON.stringify({ username: { a: Array(3000).fill(1) }, password: 'x' }));
      expect([wide.status, wide.body.errors]).toEqual([400, [{ loc: ['body', 'username'], msg: 'username must be a single value, not an object', type: 'isSingleValue' }]]);
    });

    it('answers current_password: null on the change flow with 400 validation_failed, not 500 hash_failure', async () => {
      const account = await createAccount(t);
      const token = (await login(t, account.username, account.password)).body.access_token;
      const res = await t.http.patch('/auth/resetpassword', { email: account.email, current_password: null, new_password: NEW_PASSWORD }, { token });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error_code: 'validation_failed',
        message: 'current_password must not be null',
        errors: [{ loc: ['body', 'current_password'], msg: 'current_password must not be null', type: 'isNotNull' }],
      });
      // The password did not change.
      expect((await login(t, account.username, account.password)).status).toBe(200);
    });
  });

  describe('control characters', () => {
    const CONTROLS = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f', '\n', '\t'];

    it('are refused in every string field of every contract (C0, DEL, C1)', async () => {
      const account = await createAccount(t);
      const cases: [string, (c: string) => unknown, number, (c: string) => unknown][] = [
        ['/auth/login', (c) => ({ username: `${account.username}${c}`, password: 'x' }), 400, () => expect.objectContaining({ error_code: 'validation_failed' })],
        ['/auth/login', (c) => ({ username: account.username, password: `${account.password}${c}` }), 400, () => expect.objectContaining({ error_code: 'validation_failed' })],
        ['/auth/register', (c) => ({ username: 'fresh.user', password: `StrongPassword123!${c}` }), 400, () => expect.objectContaining({ error_code: 'validation_failed' })],
        ['/login', (c) => ({ username: `${account.email}${c}`, password: 'x' }), 422, () => ({ detail: [{ loc: ['body', 'username'], msg: 'username must not contain control characters', type: 'noControlCharacters' }] })],
        ['/forgot-password/code', (c) => ({ email: `${c}${account.email}` }), 422, () => ({ detail: [expect.objectContaining({ loc: ['body', 'email'] })] })],
        ['/api/auth/forgotPassword/sendEmail', (c) => ({ username: `${account.username}${c}` }), 400, () => ({ msg: 'username must not contain control characters', error_code: 'validation_failed', errors: [{ field: 'username', msg: expect.any(String) }] })],
        ['/api/auth/forgotPassword/checkCode', (c) => ({ username: `a${c}b`, code: '123456' }), 400, () => expect.objectContaining({ error_code: 'validation_failed' })],
        ['/api/auth/forgotPassword/checkCode', (c) => ({ username: account.username, code: `12${c}3` }), 400, () => expect.objectContaining({ error_code: 'validation_failed' })],
        ['/api/auth/password/reset-request', (c) => ({ email: account.email, locale: `de${c}` }), 400, () => expect.objectContaining({ code: 'VALIDATION_FAILED' })],
        ['/api/auth/password/reset?token=abc', (c) => ({ password: `NewPassword1234!${c}` }), 400, () => expect.objectContaining({ code: 'VALIDATION_FAILED' })],
      ];
      for (const c of CONTROLS) {
        for (const [path, body, status, shape] of cases) {
          const res = await t.http.post(path, body(c));
          expect([path, JSON.stringify(c), res.status, res.body]).toEqual([path, JSON.stringify(c), status, shape(c)]);
        }
      }
    });

    it('are refused in query parameters and keys', async () => {
      const res = await t.http.patch('/auth/resetpassword?code=12%0034', { email: 'a@example.com', new_password: NEW_PASSWORD });
      expect([res.status, res.body.error_code, res.body.errors?.[0]?.loc]).toEqual([400, 'validation_failed', ['query', 'code']]);
      const key = await raw('/auth/register', '{"user\\u0000name":"x","password":"x"}');
      expect([key.status, key.body.error_code]).toEqual([400, 'validation_failed']);
    });

    it('a password with a NUL or another control character no longer registers', async () => {
      const res = await t.http.post('/auth/register', { username: 'nul.user', password: 'StrongPassword123!\u0000tail' });
      expect([res.status, res.body.errors]).toEqual([400, [{ loc: ['body', 'password'], msg: 'password must not contain control characters', type: 'noControlCharacters' }]]);
    });

    it('still takes non-control Unicode in passwords, emoji sequences with joiners included', async () => {
      const res = await t.http.post('/auth/register', { username: 'emoji.user', password: 'Str0ng!Pässwörd👩‍👩‍👧' });
      expect(res.status).toBe(201);
      expect((await login(t, 'emoji.user', 'Str0ng!Pässwörd👩‍👩‍👧')).status).toBe(200);
    });
  });
});
