/**
 * Cross-site requests: a page on another site can make its visitors' browsers post an HTML form
 * (application/x-www-form-urlencoded, multipart/form-data or text/plain) to any URL without a
 * CORS preflight. JSON routes take only application/json, so such a post is 415 and sends no
 * email and burns no code try; the OAuth2 login routes and the hosted pages still take forms.
 */
import { PageForms } from './support/page-form.js';
import { DataSource } from 'typeorm';
import { createAccount } from './support/accounts.js';
import { startTestApp, TestApp } from './support/app.js';

describe('content types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: string, contentType: string) => t.http.post(path, undefined, { raw: body, headers: { 'content-type': contentType } });
  const outbox = async () => Number((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM mail_outbox`))[0].n);

  it('refuses a form post to every JSON route with 415 in its contract shape, and sends nothing', async () => {
    const account = await createAccount(t);
    const before = await outbox();
    const cases: [string, string, unknown][] = [
      ['/api/auth/forgotPassword/sendEmail', `username=${account.username}`, { msg: 'Send the body as application/json', error_code: 'unsupported_media_type' }],
      ['/api/auth/forgotPassword/checkCode', `username=${account.username}&code=000000`, { msg: 'Send the body as application/json', error_code: 'unsupported_media_type' }],
      ['/forgot-password/code', `email=${encodeURIComponent(account.email)}`, { detail: 'Send the body as application/json' }],
      ['/auth/forgotpassword', `email=${encodeURIComponent(account.email)}`, { statusCode: 415, error_code: 'unsupported_media_type', message: 'Send the body as application/json' }],
      ['/api/auth/password/reset-request', `email=${encodeURIComponent(account.email)}`, { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' }],
      ['/auth/register', 'username=x&password=StrongPassword123!', { statusCode: 415, error_code: 'unsupported_media_type', message: 'Send the body as application/json' }],
    ];
    for (const [path, body, shape] of cases) {
      const res = await post(path, body, 'application/x-www-form-urlencoded');
      expect([path, res.status, res.body]).toEqual([path, 415, shape]);
    }
    expect(await outbox()).toBe(before);
  });

  it('refuses text/plain and multipart bodies (the other content types a page can post without a preflight)', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x']) {
      const res = await post('/api/auth/forgotPassword/sendEmail', '{"username":"x"}', type);
      expect([type, res.status, res.body.error_code]).toEqual([type, 415, 'unsupported_media_type']);
    }
  });

  it('still takes the OAuth2 password form on both login routes', async () => {
    const account = await createAccount(t);
    for (const path of ['/auth/login', '/login']) {
      const res = await t.http.post(path, undefined, { form: { grant_type: 'password', username: account.email, password: account.password } });
      expect([path, res.status, res.body.token_type]).toEqual([path, 200, 'bearer']);
    }
    const plain = await post('/login', 'username=x', 'text/plain');
    expect(plain).toMatchObject({ status: 415, body: { detail: 'Send the body as application/json or application/x-www-form-urlencoded' } });
  });

  it('still takes form posts on the hosted pages', async () => {
    const res = await new PageForms(t.http).post('/reset-password/request', { identifier: 'nobody@example.com' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
