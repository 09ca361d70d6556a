import { startTestApp, TestApp } from './support/app.js';
import { createAccount, login, NEW_PASSWORD, PASSWORD, TestAccount } from './support/accounts.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const TAGS = {
  '000': 'forgot-password: email and link token (FastAPI style)',
  '001': 'auth-resetpassword: code or Bearer change',
  '002': 'username-code: username and 6-digit code',
  '003': 'token-link: email link with locale and error codes',
};

describe('one reset, any contract', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  async function mailAfter(account: TestAccount, request: () => Promise<{ status: number }>) {
    const before = smtp.messages.filter(smtp.to(account.email)).length;
    expect((await request()).status).toBe(200);
    return secretsFrom((await smtp.waitFor(smtp.to(account.email), before + 1))[before]);
  }

  it('requested through username-code (username), finished through auth-resetpassword flow 1 (email + ?code=)', async () => {
    const a = await createAccount(t);
    const { code } = await mailAfter(a, () => t.http.post('/api/auth/forgotPassword/sendEmail', { username: a.username }));
    const res = await t.http.patch(`/auth/resetpassword?code=${code}`, { email: a.email, new_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Password reset successful' });
    expect((await login(t, a.username, NEW_PASSWORD)).status).toBe(200);
    // Used up for every contract.
    const again = await t.http.post('/api/auth/forgotPassword/resetPassword', { username: a.username, code, new_password: 'Another-Pass-42!' });
    expect(again.body.error_code).toBe('no_reset_requested');
  });

  it('requested through token-link, finished through forgot-password with the link token', async () => {
    const a = await createAccount(t);
    const { token } = await mailAfter(a, () => t.http.post('/api/auth/password/reset-request', { email: a.email }));
    const res = await t.http.post('/forgot-password/confirm', { code: token, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Password has been reset' });
    expect((await t.http.post('/login', { email: a.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await t.http.post('/login', { email: a.email, password: PASSWORD })).status).toBe(401);
    const again = await t.http.post('/api/auth/password/reset', { token, password: 'Another-Pass-42!' });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('PASSWORD_RESET_TOKEN_INVALID');
  });

  it('documents each contract under its own tag with the seed examples, in a valid OpenAPI document', async () => {
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    const doc = (await t.http.get('/docs-json')).body;
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    const tagsOf = (path: string, method: string) => doc.paths[path]?.[method]?.tags;
    expect(tagsOf('/forgot-password/code', 'post')).toEqual([TAGS['000']]);
    expect(tagsOf('/forgot-password/confirm', 'post')).toEqual([TAGS['000']]);
    expect(tagsOf('/login', 'post')).toEqual([TAGS['000']]);
    expect(tagsOf('/auth/forgotpassword', 'post')).toEqual([TAGS['001']]);
    expect(tagsOf('/auth/resetpassword', 'patch')).toEqual([TAGS['001']]);
    expect(tagsOf('/api/auth/forgotPassword/sendEmail', 'post')).toEqual([TAGS['002']]);
    expect(tagsOf('/api/auth/password/reset-request', 'post')).toEqual([TAGS['003']]);
    expect(tagsOf('/api/auth/password/reset', 'post')).toEqual([TAGS['003']]);

    const json = (path: string, method: string, status: string) => doc.paths[path][method].responses[status].content['application/json'];
    expect(json('/forgot-password/code', 'post', '404').examples.unknown_account.value).toEqual({ detail: 'User not found' });
    expect(json('/forgot-password/confirm', 'post', '200').example).toEqual({ message: 'Password has been reset' });
    expect(json('/login', 'post', '401').examples.invalid_credentials.value).toEqual({ detail: 'Incorrect email or password' });
    expect(json('/auth/resetpassword', 'patch', '200').examples.change.value).toMatchObject({ message: 'Password reset successful' });
    // Flow 1 needs no token: the Bearer requirement is optional, so a validating gateway lets it pass.
    expect(doc.paths['/auth/resetpassword'].patch.security).toEqual([{}, { bearer: [] }]);
    expect(Object.keys(json('/api/auth/password/reset', 'post', '401').examples)).toEqual([
      'PASSWORD_RESET_TOKEN_MISSING',
      'PASSWORD_RESET_TOKEN_INVALID',
      'PASSWORD_RESET_TOKEN_EXPIRED',
    ]);
    expect(Object.keys(json('/api/auth/password/reset', 'post', '500').examples)).toEqual(
      expect.arrayContaining(['DATABASE_FAILURE', 'HASH_FAILURE', 'POST_COMMIT_SIDE_EFFECT_FAILURE']),
    );
    const schemas = doc.components.schemas;
    expect(schemas.ForgotPasswordRequestDto.properties.email.example).toBe('astro.user@example.com');
    expect(schemas.AuthResetPasswordDto.properties.current_password.example).toBe('OldPassword123!');
  });
});

describe('the strict per-IP limit on login and reset-request routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    // 6 per minute in general, so 1 per minute on the strict routes (one budget for all of them).
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '6' });
  });
  afterAll(() => t.close());

  it('answers 429 in each contract\'s shape once the shared budget is spent', async () => {
    expect((await t.http.post('/forgot-password/code', { email: 'nobody@example.com' })).status).toBe(404);
    const fastApi = await t.http.post('/forgot-password/code', { email: 'nobody@example.com' });
    expect(fastApi.status).toBe(429);
    expect(fastApi.body).toEqual({ detail: 'Too many requests, try again later' });
    expect(Number(fastApi.headers.get('retry-after'))).toBeGreaterThan(0);
    const loginRes = await t.http.post('/login', { email: 'nobody@example.com', password: 'x' });
    expect(loginRes.status).toBe(429);
    expect(loginRes.body).toEqual({ detail: 'Too many requests, try again later' });
    const authResetpassword = await t.http.post('/auth/forgotpassword', { email: 'nobody@example.com' });
    expect(authResetpassword.status).toBe(429);
    expect(authResetpassword.body).toEqual({ statusCode: 429, error_code: 'too_many_requests', message: 'Too many requests, try again later' });
    const tokenLink = await t.http.post('/api/auth/password/reset-request', { email: 'nobody@example.com' });
    expect(tokenLink.status).toBe(429);
    expect(tokenLink.body).toEqual({ code: 'TOO_MANY_REQUESTS', message: 'Too many requests, try again later' });
    // Routes without the decorator keep the general budget.
    const confirm = await t.http.post('/api/auth/password/reset', { password: 'x' });
    expect(confirm.status).toBe(401);
  });
});
