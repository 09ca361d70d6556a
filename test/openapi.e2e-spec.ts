/**
 * The OpenAPI document is exact: what /docs-json says is what the service does, and what
 * generated clients, validating gateways and Swagger UI need is in it. (Every response of the
 * end-to-end suites is also validated against the document by test/support/http.ts.)
 */
import { readFileSync } from 'node:fs';
import { SUPPORTED_LOCALES } from '../src/locale/locale.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount } from './support/accounts.js';
import { conformanceFor } from './support/openapi-conformance.js';

type Json = Record<string, any>;

const PUBLIC_URL = 'http://localhost:3000';
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;
  let operations: { path: string; method: string; op: Json }[];
  const schemas = () => doc.components.schemas as Record<string, Json>;
  const resolve = (schema: Json | undefined): Json | undefined =>
    schema?.$ref ? schemas()[schema.$ref.split('/').pop()] : schema;
  const op = (path: string, method: string) => doc.paths[path][method] as Json;
  const jsonOf = (path: string, method: string, status: string) => op(path, method).responses[status].content['application/json'];

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL });
    doc = (await t.http.get('/docs-json')).body;
    operations = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, o]) => ({ path, method, op: o })),
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('is the checked-in openapi.json (regenerate it with `npm run openapi`)', () => {
    const file = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(file);
  });

  it('names its server from PUBLIC_URL', () => {
    expect(doc.servers).toEqual([{ url: PUBLIC_URL }]);
  });

  it('PATCH /auth/resetpassword: the Bearer token is optional (flow 1 needs none) and the description says which flow needs it', () => {
    const patch = op('/auth/resetpassword', 'patch');
    expect(patch.security).toEqual([{}, { bearer: [] }]);
    expect(patch.description).toMatch(/Flow 2.*Only this flow needs the Bearer token/s);
  });

  it('takes form bodies only on the two login routes and the OAuth routes (forms only); every other body is application/json only', () => {
    for (const { path, method, op: o } of operations) {
      if (!o.requestBody) continue;
      const types = Object.keys(o.requestBody.content).sort();
      if (path === '/login' || path === '/auth/login') {
        expect([path, types]).toEqual([path, ['application/json', 'application/x-www-form-urlencoded']]);
        const form = resolve(o.requestBody.content['application/x-www-form-urlencoded'].schema)!;
        expect(form.required).toEqual(['username', 'password']);
      } else if (path.startsWith('/oauth/')) {
        expect([method, path, types]).toEqual([method, path, ['application/x-www-form-urlencoded']]);
      } else {
        expect([method, path, types]).toEqual([method, path, ['application/json']]);
      }
    }
  });

  it('documents 413 and 415 on every body route, in the error shape of its contract', () => {
    const bodyRoutes = operations.filter((o) => o.op.requestBody);
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(12);
    for (const { path, method, op: o } of bodyRoutes) {
      for (const status of ['413', '415']) {
        expect([path, method, status, Boolean(o.responses[status]?.content?.['application/json']?.schema)]).toEqual([path, method, status, true]);
      }
      // The 415 schema is the contract's own: the same as that of its 404 or 401 or 400.
      const other = o.responses['404'] ?? o.responses['401'] ?? o.responses['409'];
      if (other) expect(o.responses['415'].content['application/json'].schema).toEqual(other.content['application/json'].schema);
    }
    expect(jsonOf('/api/auth/forgotPassword/sendEmail', 'post', '415').examples.unsupported_media_type.value).toMatchObject({ error_code: 'unsupported_media_type' });
    expect(jsonOf('/forgot-password/code', 'post', '413').examples.payload_too_large.value).toEqual({ detail: expect.any(String) });
  });

  it('every error code malformed JSON answers with is in the enum of its contract', async () => {
    const bad = { raw: '{"username": ', headers: { 'content-type': 'application/json' } };
    const username = await t.http.post('/api/auth/forgotPassword/checkCode', undefined, bad);
    expect(username.status).toBe(400);
    expect(schemas().UsernameCodeErrorDto.properties.error_code.enum).toContain(username.body.error_code);
    const token = await t.http.post('/api/auth/password/reset', undefined, bad);
    expect(token.status).toBe(400);
    expect(schemas().TokenLinkErrorDto.properties.code.enum).toContain(token.body.code);
  });

  it('documents ?locale= and the body locale fields from the supported-locale list, without an enum', () => {
    const bodies = ['AuthForgotPasswordDto', 'SendEmailDto', 'ResetRequestDto'].map((name) => schemas()[name].properties.locale);
    for (const locale of bodies) {
      expect({ ...locale, description: undefined }).toEqual({ ...bodies[0], description: undefined });
      expect(locale.type).toBe('string');
      expect(locale.enum).toBeUndefined();
      for (const supported of SUPPORTED_LOCALES) expect(locale.description).toContain(supported);
      expect(locale.description).toContain('DEFAULT_LOCALE');
    }
    for (const path of ['/auth/forgotpassword', '/api/auth/forgotPassword/sendEmail', '/api/auth/password/reset-request']) {
      const param = op(path, 'post').parameters.find((p: Json) => p.name === 'locale');
      // No example: Swagger UI would pre-fill it in "Try it out" and send every request in that language.
      expect(param.schema).toEqual({ type: 'string' });
      for (const supported of SUPPORTED_LOCALES) expect(param.description).toContain(supported);
    }
  });

  it('leaves out what is not the API: /metrics, the hosted pages and assets, the dev mailbox', () => {
    const paths = Object.keys(doc.paths);
    for (const outside of ['/metrics', '/reset-password', '/reset-password/code', '/reset-password/request', '/dev/mailbox', '/dev/mailbox/messages/{id}', '/assets/pages.css']) {
      expect(paths).not.toContain(outside);
    }
    expect(readFileSync(new URL('../README.md', import.meta.url), 'utf8')).toMatch(/not in the OpenAPI document/);
  });

  it('is as strict as the service: closed schemas, "email or username", six digits, Retry-After, the errors arrays', () => {
    for (const [name, schema] of Object.entries(schemas())) {
      if (schema.type === 'object') expect([name, schema.additionalProperties]).toEqual([name, false]);
    }
    for (const name of ['LoginDto', 'ResetRequestDto']) {
      expect(schemas()[name].anyOf.map((s: Json) => s.required)).toEqual([['email'], ['username']]);
    }
    expect(schemas().CheckCodeDto.properties.code.oneOf[0]).toEqual({ type: 'string', pattern: '^[0-9]{6}$' });
    for (const { path, method, op: o } of operations) {
      if (o.responses['429']) expect([path, method, o.responses['429'].headers?.['Retry-After']?.required]).toEqual([path, method, true]);
    }
    const itemsOf = (dto: string) => resolve(schemas()[dto].properties.errors.items)!;
    expect(Object.keys(itemsOf('ErrorDto').properties)).toEqual(['loc', 'msg', 'type']);
    expect(Object.keys(itemsOf('UsernameCodeErrorDto').properties)).toEqual(['field', 'msg']);
    expect(Object.keys(itemsOf('TokenLinkErrorDto').properties)).toEqual(['field', 'message']);
  });

  it('types what generated clients read: ?code= and ?token=, ErrorDto.errors, /health/live', () => {
    expect(op('/auth/resetpassword', 'patch').parameters.find((p: Json) => p.name === 'code').schema.type).toBe('string');
    expect(op('/api/auth/password/reset', 'post').parameters.find((p: Json) => p.name === 'token').schema.type).toBe('string');
    expect(schemas().ErrorDto.properties.errors.items).toEqual({ $ref: '#/components/schemas/FieldErrorDto' });
    expect(resolve(jsonOf('/health/live', 'get', '200').schema)!.properties.status.enum).toEqual(['ok']);
  });

  it('gives every operation a meaningful, unique operationId', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(ids).toEqual(expect.arrayContaining(['usernameCodeSendEmail', 'usernameCodeResetPassword', 'authResetPassword', 'tokenLinkReset', 'forgotPasswordConfirm']));
  });

  it('names, describes and orders its tags: accounts, tokens and sessions, the four contracts, OAuth, admin, operations', () => {
    expect(doc.tags.map((tag: Json) => tag.name)).toEqual([
      'accounts',
      'tokens-and-sessions',
      'forgot-password: email and link token (FastAPI style)',
      'auth-resetpassword: code or Bearer change',
      'username-code: username and 6-digit code',
      'token-link: email link with locale and error codes',
      'oauth',
      'admin',
      'operations',
    ]);
    for (const tag of doc.tags) expect(tag.description.length).toBeGreaterThan(80);
    expect(JSON.stringify(doc)).not.toMatch(/seed/i);
    const used = new Set(operations.flatMap((o) => o.op.tags));
    expect([...used].sort()).toEqual(doc.tags.map((tag: Json) => tag.name).sort());
  });

  it('shows each error status its own examples, in its contract\'s shape', () => {
    for (const { path, method, op: o } of operations) {
      for (const [status, response] of Object.entries<Json>(o.responses)) {
        if (Number(status) < 400) continue;
        const examples = response.content?.['application/json']?.examples;
        expect([path, method, status, examples && Object.keys(examples).length > 0]).toEqual([path, method, status, true]);
        for (const example of Object.values<Json>(examples)) {
          const value = example.value;
          if (value.statusCode !== undefined) expect([path, status, value.statusCode]).toEqual([path, status, Number(status)]);
          const code = value.error_code ?? value.code;
          if (['validation_failed', 'VALIDATION_FAILED', 'invalid_json', 'INVALID_JSON'].includes(code)) expect([path, status]).toEqual([path, '400']);
        }
      }
    }
    expect(Object.keys(jsonOf('/api/auth/forgotPassword/sendEmail', 'post', '404').examples)).toEqual(['unknown_username']);
    expect(Object.keys(jsonOf('/api/auth/forgotPassword/sendEmail', 'post', '429').examples)).toEqual(['too_many_requests']);
    expect(Object.keys(jsonOf('/auth/resetpassword', 'patch', '401').examples)).toEqual(['unauthorized']);
    expect(Object.keys(jsonOf('/auth/resetpassword', 'patch', '403').examples)).toEqual(['email_mismatch']);
  });

  it('pre-fills PATCH /auth/resetpassword with one body per flow, and no form fields in the login JSON examples', () => {
    const examples = op('/auth/resetpassword', 'patch').requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toEqual(['forgot', 'change']);
    expect(examples.forgot.value.current_password).toBeUndefined();
    expect(examples.change.value.current_password).toEqual(expect.any(String));
    for (const path of ['/login', '/auth/login']) {
      const json = op(path, 'post').requestBody.content['application/json'];
      expect(json.example).toBeUndefined();
      for (const example of Object.values<Json>(json.examples)) expect(Object.keys(example.value).sort()).not.toContain('grant_type');
      expect(resolve(json.schema)!.properties.grant_type).toBeUndefined();
    }
  });

  it('describes the confirm route\'s code as the link token, with a realistic example, and its 422 names the code', () => {
    const code = schemas().ForgotPasswordConfirmationDto.properties.code;
    expect(code.example).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(code.description).toContain('token');
    const examples = Object.values<Json>(jsonOf('/forgot-password/confirm', 'post', '422').examples);
    for (const example of examples) for (const detail of example.value.detail) expect(detail.loc).not.toContain('email');
  });

  it('keeps every DTO name unique (no two classes collapse into one schema)', () => {
    expect(schemas().ForgotPasswordMessageDto.properties.message.example).toBe('Password reset code sent');
    expect(schemas().AuthMessageDto.properties.message.example).toBe('Verification code sent');
    expect(schemas().MessageDto).toBeUndefined();
  });
});

describe('the conformance check of every end-to-end response (test/support/http.ts)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const json = (retryAfter?: string) =>
    new Headers({ 'content-type': 'application/json; charset=utf-8', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });

  it('refuses an undocumented status, a body off its schema, a missing documented header', async () => {
    const checker = await conformanceFor();
    const url = `${t.url}/api/auth/forgotPassword/sendEmail`;
    expect(checker.check('POST', url, 200, json(), '{"msg":"Sent"}')).toEqual([]);
    expect(checker.check('POST', url, 418, json(), '{"msg":"x","error_code":"teapot"}')[0]).toMatch(/a status the document does not list/);
    expect(checker.check('POST', url, 404, json(), '{"detail":"User not found"}')[0]).toMatch(/does not match its schema/);
    expect(checker.check('POST', url, 404, json(), '{"msg":"Unknown username","error_code":"not_a_code"}')[0]).toMatch(/does not match its schema/);
    expect(checker.check('POST', url, 200, json(), '{"msg":"Sent","extra":1}')[0]).toMatch(/does not match its schema/);
    const throttled = '{"msg":"Too many requests, try again later","error_code":"too_many_requests"}';
    expect(checker.check('POST', url, 429, json(), throttled)[0]).toMatch(/without its documented Retry-After header/);
    expect(checker.check('POST', url, 429, json('60'), throttled)).toEqual([]);
    expect(checker.check('POST', url, 200, new Headers({ 'content-type': 'text/html' }), '<p>Sent</p>')[0]).toMatch(/as text\/html/);
  });

  it('leaves out requests outside the document: pages, /metrics, /docs, unknown paths and methods', async () => {
    const checker = await conformanceFor();
    for (const [method, path] of [['GET', '/reset-password?token=x'], ['GET', '/metrics'], ['GET', '/docs'], ['GET', '/nope'], ['GET', '/auth/login']]) {
      expect(checker.check(method, `${t.url}${path}`, 404, new Headers({ 'content-type': 'text/html' }), '<p>no</p>')).toEqual([]);
    }
  });
});

describe('what the document promises, the service does', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('says what is wrong: a missing field is required, a bad code must be 6 digits', async () => {
    const empty = await t.http.post('/api/auth/password/reset-request', {});
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'email or username is required',
      errors: [{ field: 'email', message: 'email or username is required' }],
    });
    const auth = await t.http.post('/auth/forgotpassword', {});
    expect(auth.body.message).toBe('email is required');
    const code = await t.http.post('/api/auth/forgotPassword/checkCode', { username: 'someone', code: '12a' });
    expect(code.status).toBe(400);
    expect(code.body).toEqual({ msg: 'code must be 6 digits', error_code: 'validation_failed', errors: [{ field: 'code', msg: 'code must be 6 digits' }] });
  });

  it('takes an unsupported locale in the body or the query as DEFAULT_LOCALE, never a 400', async () => {
    const account = await createAccount(t);
    const body = await t.http.post('/api/auth/forgotPassword/sendEmail', { username: account.username, locale: 'xx-YY' });
    expect(body.status).toBe(200);
    const query = await t.http.post('/api/auth/password/reset-request?locale=klingon', { email: account.email, locale: 42 });
    expect(query.status).toBe(200);
    const auth = await t.http.post('/auth/forgotpassword?locale=', { email: account.email, locale: 'fr' });
    expect(auth.status).toBe(200);
  });

  it('answers a failed FastAPI-style login with WWW-Authenticate: Bearer, JSON or form', async () => {
    const json = await t.http.post('/login', { email: 'nobody@example.com', password: 'Wrong-Password-1!' });
    expect(json.status).toBe(401);
    expect(json.headers.get('www-authenticate')).toBe('Bearer');
    const form = await t.http.post('/login', undefined, { form: { username: 'nobody@example.com', password: 'Wrong-Password-1!' } });
    expect(form.status).toBe(401);
    expect(form.headers.get('www-authenticate')).toBe('Bearer');
  });
});
