import { Logger } from '@nestjs/common';
import { startTestApp, TEST_SECRETS, TestApp } from './support/app.js';
import { LogCapture } from './support/log-capture.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const PASSWORD = 'Logged-Secret-Pass-1!';

/**
 * The JSON request log (nestjs-pino): one line per request with its id, route, status and
 * duration, and no secrets. This file's application is the first of its process, so its
 * logger is the process logger (see observability/logging.module.ts).
 */
describe('request logging', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  const logs = new LogCapture();

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp(
      { LOG_LEVEL: 'debug', SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '50', RESET_SEND_LIMIT: '50' },
      { logDestination: logs },
    );
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('writes one JSON line per request with request id, method, route, status and duration', async () => {
    const res = await t.http.post('/auth/register', { username: 'log.user', email: 'log.user@example.com', password: PASSWORD }, {
      headers: { 'x-request-id': 'req-register-1' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-register-1');
    const line = await logs.waitForRequest('req-register-1');
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: 'req-register-1', method: 'POST', url: '/auth/register' },
      res: { statusCode: 201 },
      route: '/auth/register',
      clientIp: '127.0.0.1',
      responseTime: expect.any(Number),
    });
    expect(typeof line.time).toBe('string');
    expect(logs.requests('req-register-1')).toHaveLength(1);
  });

  it('generates a request id when none or an unacceptable one is sent, and returns it', async () => {
    const variants: Record<string, string>[] = [{}, { 'x-request-id': 'has spaces and "quotes"' }, { 'x-request-id': 'x'.repeat(200) }];
    for (const headers of variants) {
      const res = await t.http.get('/health/live', { headers });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const line = await logs.waitForRequest(id!);
      expect(line.route).toBe('/health/live');
      expect(line.level).toBe(20); // probes are logged at debug
    }
  });

  it('logs unknown routes as unmatched and keeps the request id on error responses', async () => {
    const res = await t.http.get('/no/such/route', { headers: { 'x-request-id': 'req-404' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('req-404');
    expect(await logs.waitForRequest('req-404')).toMatchObject({ route: null, res: { statusCode: 404 } });
    const bad = await t.http.post('/auth/login', undefined, { raw: 'x', headers: { 'content-type': 'text/plain', 'x-request-id': 'req-415' } });
    expect(bad.status).toBe(415);
    expect(bad.headers.get('x-request-id')).toBe('req-415');
  });

  it('never writes passwords, tokens, Authorization headers, cookies or secret query values', async () => {
    const login = await t.http.post('/auth/login', { username: 'log.user', password: PASSWORD }, { headers: { 'x-request-id': 'req-login' } });
    expect(login.status).toBe(200);
    const accessToken: string = login.body.access_token;
    const me = await t.http.get('/auth/me', {
      token: accessToken,
      headers: { cookie: 'session=cookie-secret-value', 'x-request-id': 'req-me' },
    });
    expect(me.status).toBe(200);
    await t.http.get('/reset-password?token=link-token-secret-value&locale=de', { headers: { 'x-request-id': 'req-link' } });
    await t.http.patch('/auth/resetpassword?code=834291', { email: 'log.user@example.com', new_password: 'Another-Secret-9!' }, {
      headers: { 'x-request-id': 'req-code' },
    });
    await t.http.post('/auth/login', { username: 'log.user', password: 'Wrong-Secret-Pass-2!' }, { headers: { 'x-request-id': 'req-wrong' } });
    // Application code that logs an object holding secrets is redacted too.
    new Logger('RedactionProbe').log({
      msg: 'probe',
      password: 'probe-password-value',
      body: { new_password: 'probe-new-password', code: '556677', confirm_password: 'probe-confirm' },
      dto: { token: 'probe-token-value', current_password: 'probe-current' },
      headers: { authorization: 'Bearer probe-bearer-value', cookie: 'probe-cookie' },
    });
    for (const id of ['req-login', 'req-me', 'req-link', 'req-code', 'req-wrong']) await logs.waitForRequest(id);
    expect(logs.requests('req-link')[0].req.url).toBe('/reset-password?token=[Redacted]&locale=de');
    expect(logs.requests('req-code')[0].req.url).toBe('/auth/resetpassword?code=[Redacted]');
    const secrets = [
      PASSWORD,
      'Wrong-Secret-Pass-2!',
      'Another-Secret-9!',
      accessToken,
      accessToken.split('.')[2],
      'cookie-secret-value',
      'link-token-secret-value',
      '834291',
      'probe-password-value',
      'probe-new-password',
      '556677',
      'probe-confirm',
      'probe-token-value',
      'probe-current',
      'probe-bearer-value',
      'probe-cookie',
    ];
    const text = logs.text;
    expect(text).toContain('RedactionProbe');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('redacts a secret query parameter by its decoded name (?%74oken= is ?token=), every copy of it', async () => {
    const email = 'encoded.user@example.com';
    expect((await t.http.post('/auth/register', { username: 'encoded.user', email, password: PASSWORD })).status).toBe(201);
    const isResetMail = (m: { to: string[]; text: string }) => m.to.includes(email) && /[?&]token=/.test(m.text);
    expect((await t.http.post('/api/auth/password/reset-request', { email })).status).toBe(200);
    const { token } = secretsFrom((await smtp.waitFor(isResetMail, 1))[0]);
    // The query parser decodes the name: the percent-encoded `token` is the token, and it works.
    const reset = await t.http.post(`/api/auth/password/reset?%74oken=${encodeURIComponent(token)}`, { password: 'Encoded-Secret-Pass-1!' }, {
      headers: { 'x-request-id': 'req-encoded-name' },
    });
    expect(reset.status).toBe(200);
    const variants = `%54oken=variant-secret-1&token+=variant-secret-2&token=variant-secret-3&token=variant-secret-4&%63ode=variant-secret-5`;
    await t.http.get(`/reset-password?${variants}`, { headers: { 'x-request-id': 'req-encoded-variants' } });
    const [line] = await Promise.all([logs.waitForRequest('req-encoded-name'), logs.waitForRequest('req-encoded-variants')]);
    expect(line.req.url).toBe('/api/auth/password/reset?%74oken=[Redacted]');
    expect(logs.requests('req-encoded-variants')[0].req.url).toBe(
      '/reset-password?%54oken=[Redacted]&token+=[Redacted]&token=[Redacted]&token=[Redacted]&%63ode=[Redacted]',
    );
    expect(logs.text).not.toContain(token);
    expect(logs.text).not.toContain(encodeURIComponent(token));
    expect(logs.text).not.toMatch(/variant-secret/);
  });

  it('a full reset through every contract, logged at debug, leaves no secret in the log output', async () => {
    const secrets = new Set<string>([TEST_SECRETS.JWT_SECRET, TEST_SECRETS.RESET_SECRET]);
    const username = 'flow.user';
    const email = 'flow.user@example.com';
    let password = 'Flow-Secret-Pass-0!';
    secrets.add(password);
    expect((await t.http.post('/auth/register', { username, email, password })).status).toBe(201);
    const nextPassword = (i: number) => {
      const next = `Flow-Secret-Pass-${i}!x`;
      secrets.add(next);
      return next;
    };
    const mailCount = () => smtp.messages.filter(smtp.to(email)).length;
    const isResetMail = (m: { to: string[]; text: string }) => m.to.includes(email) && /[?&]token=/.test(m.text);
    /** Requests a reset and returns the code and token of the email it sent. */
    const request = async (path: string, body: Record<string, unknown>) => {
      const before = smtp.messages.filter(isResetMail).length;
      const res = await t.http.post(path, body);
      expect(res.status).toBe(200);
      const mails = await smtp.waitFor(isResetMail, before + 1);
      const found = secretsFrom(mails[mails.length - 1]);
      secrets.add(found.code);
      secrets.add(found.token);
      secrets.add(encodeURIComponent(found.token));
      return found;
    };

    // username-code: username and 6-digit code, a wrong try first.
    let s = await request('/api/auth/forgotPassword/sendEmail', { username });
    const wrong = s.code === '000000' ? '111111' : '000000';
    expect((await t.http.post('/api/auth/forgotPassword/checkCode', { username, code: wrong })).status).toBe(400);
    expect((await t.http.post('/api/auth/forgotPassword/checkCode', { username, code: s.code })).status).toBe(200);
    let next = nextPassword(2);
    expect((await t.http.post('/api/auth/forgotPassword/resetPassword', { username, code: s.code, new_password: next })).status).toBe(200);
    password = next;

    // token-link: the link token in the query, after the hosted page was opened with it.
    s = await request('/api/auth/password/reset-request', { email });
    expect((await t.http.get(`/reset-password?token=${encodeURIComponent(s.token)}`)).status).toBe(200);
    next = nextPassword(3);
    expect((await t.http.post(`/api/auth/password/reset?token=${encodeURIComponent(s.token)}`, { password: next })).status).toBe(200);
    password = next;

    // auth-resetpassword: the code in the query string.
    s = await request('/auth/forgotpassword', { email });
    next = nextPassword(1);
    const patched = await t.http.patch(`/auth/resetpassword?code=${s.code}`, { email, new_password: next, confirm_password: next });
    expect(patched.status).toBe(200);
    password = next;

    // forgot-password: the link token in the body (as `code`), with a confirmation.
    s = await request('/forgot-password/code', { email });
    next = nextPassword(0);
    expect((await t.http.post('/forgot-password/confirm', { code: s.token, new_password: next, confirm_password: next })).status).toBe(200);
    password = next;

    // Log in with the final password, use the token, and change the password while logged in.
    const login = await t.http.post('/auth/login', { username, password });
    expect(login.status).toBe(200);
    secrets.add(login.body.access_token);
    expect((await t.http.get('/auth/me', { token: login.body.access_token })).status).toBe(200);
    next = nextPassword(9);
    const change = await t.http.patch('/auth/resetpassword', { email, current_password: password, new_password: next }, { token: login.body.access_token });
    expect(change.status).toBe(200);

    // Let the "password changed" emails go out, so the delivery worker's logs are in too.
    await smtp.waitFor(smtp.to(email), mailCount() + 1).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const text = logs.text;
    expect(logs.requests().length).toBeGreaterThan(15);
    expect(text).toContain('/api/auth/password/reset?token=[Redacted]');
    expect(text).toContain('/auth/resetpassword?code=[Redacted]');
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`a secret appears in the logs: ${secret.slice(0, 4)}…`);
    }
  });
});
