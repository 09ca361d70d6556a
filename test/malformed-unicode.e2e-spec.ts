/**
 * Ill-formed Unicode in a JSON body (a lone surrogate, `"\ud800"`, which JSON allows) is a
 * validation error in the contract's shape, not a 500 (found by the fuzz suite: validator's
 * isEmail throws a URIError on it).
 */
import { startTestApp, TestApp } from './support/app.js';

describe('ill-formed Unicode in request bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, raw: string) => t.http.post(path, undefined, { raw, headers: { 'content-type': 'application/json' } });

  it('answers token-link with 400 in its {code, message} shape', async () => {
    const res = await post('/api/auth/password/reset-request', '{"email":"\\ud800"}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('well-formed') });
  });

  it('answers forgot-password with 422 and a FastAPI detail list', async () => {
    const res = await post('/forgot-password/code', '{"email":"a\\udc00@example.com"}');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ loc: ['body', 'email'], msg: expect.any(String), type: 'isWellFormed' }] });
  });

  it('answers the default shape for registration, nested values and keys included', async () => {
    for (const raw of ['{"username":"u","password":"x","email":"\\ud800"}', '{"username":["\\ud83d"]}', '{"\\udfff":1}']) {
      const res = await post('/auth/register', raw);
      expect([raw, res.status, res.body.error_code]).toEqual([raw, 400, 'validation_failed']);
    }
  });

  it('still accepts well-formed astral characters (surrogate pairs)', async () => {
    const res = await post('/api/auth/forgotPassword/sendEmail', '{"username":"\\ud83d\\ude00 nobody"}');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('unknown_username');
  });
});
