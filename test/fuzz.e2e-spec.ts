/**
 * Property-based fuzzing of every route in the service's own OpenAPI document (/docs-json):
 * generated bodies, query strings and headers (wrong types, huge strings within the 16 KiB body
 * limit, unicode, nulls, nested objects, SQL and template metacharacters, invalid JSON, wrong
 * content types). For every case: no 5xx, an answer that conforms to the OpenAPI document
 * (test/support/openapi-conformance.ts), an answer within the per-request timeout, a JSON error
 * body in the shape of the contract that owns the path (read from its own error presenter), and
 * no account or reset state changed by a rejected request. Some classes of input have a stricter
 * expected answer (see `Expectation`): a body in a content type the route's document does not
 * list is 415, JSON nested deeper than 32 levels is 400 (422 in the FastAPI-style contract), and
 * a control character in any string field is never accepted. The service trusts one proxy, so
 * the generated X-Forwarded-For values (long ones, names, lists) name the client.
 *
 * FUZZ_RUNS cases in all (default 5000), FUZZ_SEED to replay a run. On PGlite by default; on a
 * fresh PostgreSQL database when DATABASE_URL is a postgres:// URL. Not part of the default
 * `npm test` (it takes a while): `npm run test:fuzz`.
 */
import http from 'node:http';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { BODY_LIMIT_BYTES } from '../src/app.js';
import { ErrorPresenters } from '../src/common/error-presenters.js';
import { startTestApp, TestApp } from './support/app.js';
import { createAccount, TestAccount } from './support/accounts.js';
import { conformanceFor } from './support/openapi-conformance.js';
import { secretsFrom, startSmtp, TestSmtpServer } from './support/smtp.js';

const RUNS = Number(process.env.FUZZ_RUNS || 5000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const REQUEST_TIMEOUT_MS = 10_000;

interface Route {
  method: string;
  path: string;
  /** Body property names from the document's request schema. */
  properties: string[];
  /** A plausible value per body property (the document's example, else one by type). */
  examples: Record<string, unknown>;
  /** Query parameter names from the document. */
  query: string[];
  /** Content types the document lists for the request body. */
  consumes: string[];
}

/** A stricter answer than "no 5xx" that a class of generated input must get. */
type Expectation = 'unsupported-type' | 'too-deep' | 'not-accepted';

interface FuzzRequest {
  route: Route;
  expect?: Expectation;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

/** Error codes whose documented effect is a state change although the request is refused. */
// Refusals after a code was evaluated count that one try (tries are counted before the
// comparison): a wrong code, and a right code with a new password that is refused.
const COUNTED_WRONG_CODE = new Set(['code_incorrect', 'password_policy', 'password_mismatch']);

interface Payload {
  contentType?: string;
  body?: string;
  expect?: Expectation;
}

describe('fuzzing every documented route', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let db: DataSource;
  let routes: Route[];
  let known: { account: TestAccount; code: string; token: string };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({ SMTP_URL: smtp.url, MAIL_POLL_INTERVAL_MS: '100', RESET_SEND_LIMIT: '1000', TRUST_PROXY: 'true' });
    db = t.app.get(DataSource);
    // A real account with a live request, so generated values sometimes reach past "unknown".
    const account = await createAccount(t);
    expect((await t.http.post('/api/auth/forgotPassword/sendEmail', { username: account.username })).status).toBe(200);
    const { code, token } = secretsFrom((await smtp.waitFor(smtp.to(account.email)))[0]);
    known = { account, code, token };

    const doc = (await t.http.get('/docs-json')).body;
    routes = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const schema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
        const props = Object.entries<any>(schema?.properties ?? {});
        routes.push({
          method: method.toUpperCase(),
          path,
          properties: props.map(([k]) => k),
          examples: Object.fromEntries(props.map(([k, p]) => [k, p.example ?? p.enum?.[0] ?? (p.type === 'string' ? 'x' : p.type === 'boolean' ? true : p.type === 'integer' ? 1 : null)])),
          query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
          consumes: Object.keys(op.requestBody?.content ?? {}),
        });
      }
    }
    expect(routes.length).toBeGreaterThan(5);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  // -------------------------------------------------------------------------------------------
  // Generators.

  const nasty = fc.constantFrom(
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR ""="',
    '1; SELECT pg_sleep(10)',
    '\\x00',
    '\u0000',
    '%00',
    '{{constructor.constructor("return process")()}}',
    '{{#each this}}{{/each}}',
    '${7*7}',
    '#{7*7}',
    '<%= 7*7 %>',
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '__proto__',
    'constructor',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '𝕦𝕟𝕚𝕔𝕠𝕕𝕖 👩‍👩‍👧‍👦',
    '\ud800',
    'NaN',
    '-1',
    '1e309',
    '000000',
    '9999999',
    'true',
    'null',
    ' ',
    '',
  );
  const text = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 2, arbitrary: nasty },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.nat({ max: 15_000 }).map((n) => 'A'.repeat(n)) },
    { weight: 1, arbitrary: fc.nat({ max: 3_000 }).map((n) => 'é🙂'.repeat(n)) },
  );
  /** Real identifiers and secrets, so some cases get past "unknown account" and "invalid token". */
  const real = fc.constantFrom(() => [known.account.username, known.account.email, known.code, known.token, known.account.password, 'NewPassword1234!']).chain((f) => fc.constantFrom(...f()));
  const leaf = fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 2, arbitrary: real },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 5, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('v'), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), nasty), tie('v'), { maxKeys: 4 }) },
    ),
  })).v;

  /** A JSON object over the route's own property names (each present or not), plus stray keys. */
  const objectFor = (route: Route) =>
    fc
      .tuple(
        fc.record(Object.fromEntries(route.properties.map((p) => [p, value])), { requiredKeys: [] }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), value, { maxKeys: 2 }),
      )
      .map(([own, stray]) => ({ ...stray, ...own }));

  /** The real value a property name asks for, so a near-valid body reaches the core. */
  const realFor = (name: string, example: unknown): fc.Arbitrary<unknown> => {
    const n = name.toLowerCase();
    if (n.includes('username')) return fc.constantFrom(known.account.username, known.account.email);
    if (n.includes('email')) return fc.constant(known.account.email);
    if (n === 'token') return fc.constant(known.token);
    if (n === 'code') return fc.constantFrom(known.code, known.token, '000000', String(example));
    if (n.includes('password')) return fc.constantFrom(known.account.password, 'NewPassword1234!', 'short', 'password');
    if (n === 'locale') return fc.constantFrom('en', 'de', 'fr');
    return fc.constant(example);
  };

  /** A well-formed body for the route (examples and the real account), with zero to two fields replaced by generated values. */
  const nearValid = (route: Route) =>
    fc
      .tuple(
        fc.record(Object.fromEntries(route.properties.map((p) => [p, realFor(p, route.examples[p])]))),
        fc.subarray(route.properties, { maxLength: Math.min(2, route.properties.length) }),
        fc.array(value, { minLength: 2, maxLength: 2 }),
      )
      .map(([base, replaced, values]) => {
        const o: Record<string, unknown> = { ...base };
        replaced.forEach((p, i) => (o[p] = values[i]));
        return o;
      });

  /** A body in a content type a page on another site can post without a CORS preflight, or any other non-JSON type. */
  const foreignType = (route: Route): fc.Arbitrary<Payload> =>
    fc
      .tuple(
        fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x', 'application/xml', 'application/x-www-form-urlencoded; charset=utf-8'),
        objectFor(route),
      )
      .map(([contentType, o]) => ({
        contentType,
        body: contentType.startsWith('application/x-www-form-urlencoded')
          ? new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString() || 'a=1'
          : JSON.stringify(o),
        expect: route.consumes.includes(contentType.split(';')[0]) ? undefined : ('unsupported-type' as const),
      }));

  /** JSON nested deeper than the limit (33 levels up to what fits in 16 KiB), at the top or in one of the route's fields. */
  const tooDeep = (route: Route): fc.Arbitrary<Payload> =>
    fc
      .record({
        depth: fc.oneof(fc.integer({ min: 33, max: 64 }), fc.integer({ min: 65, max: 8000 })),
        open: fc.constantFrom('[', '{"a":', '[{"b":', '{"x":[1,'),
        field: route.properties.length ? fc.option(fc.constantFrom(...route.properties)) : fc.constant(null),
      })
      .map(({ depth, open, field }) => {
        const close = open.replace(/[^[{]/g, '').split('').reverse().map((c) => (c === '[' ? ']' : '}')).join('');
        const levels = close.length;
        // Within the body limit (at least 1,600 repetitions fit), so always past the nesting limit.
        const n = Math.min(Math.ceil(depth / levels), Math.floor((BODY_LIMIT_BYTES - 300) / (open.length + close.length)));
        const nested = `${open.repeat(n)}0${close.repeat(n)}`;
        return { contentType: 'application/json', body: field ? `{${JSON.stringify(field)}:${nested}}` : nested, expect: 'too-deep' as const };
      });

  /** A near-valid body with a control character (C0, DEL or C1) inserted into one string field. */
  const CONTROL_CHARACTERS = [...Array(0x20).keys(), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)].map((c) => String.fromCharCode(c));
  const withControl = (route: Route): fc.Arbitrary<Payload> =>
    fc
      .tuple(nearValid(route), fc.constantFrom(...CONTROL_CHARACTERS), fc.nat(), fc.nat())
      .map(([o, c, which, at]) => {
        const fields = Object.keys(o).filter((k) => typeof o[k] === 'string');
        if (!fields.length) return { contentType: 'application/json', body: JSON.stringify(o) };
        const field = fields[which % fields.length];
        const v = o[field] as string;
        const i = at % (v.length + 1);
        return { contentType: 'application/json', body: JSON.stringify({ ...o, [field]: `${v.slice(0, i)}${c}${v.slice(i)}` }), expect: 'not-accepted' as const };
      });

  const body = (route: Route): fc.Arbitrary<Payload> =>
    fc.oneof(
      { weight: 2, arbitrary: foreignType(route) },
      { weight: 2, arbitrary: tooDeep(route) },
      { weight: 2, arbitrary: withControl(route) },
      { weight: 6, arbitrary: nearValid(route).map((o) => ({ contentType: 'application/json', body: JSON.stringify(o) })) },
      { weight: 6, arbitrary: objectFor(route).map((o) => ({ contentType: 'application/json', body: JSON.stringify(o) })) },
      { weight: 1, arbitrary: value.map((v) => ({ contentType: 'application/json', body: JSON.stringify(v) ?? 'undefined' })) },
      {
        weight: 1,
        arbitrary: fc
          .oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"a":', '[1,2', '{"username":"x",}', 'nul', '\u0000', '{"a":1}{"b":2}', "{'a':1}"))
          .map((b) => ({ contentType: 'application/json', body: b })),
      },
      {
        weight: 1,
        arbitrary: objectFor(route).map((o) => ({
          contentType: 'application/x-www-form-urlencoded',
          body: new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString(),
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/octet-stream', 'application/jsonx', ''),
            fc.string({ maxLength: 60 }),
          )
          .map(([contentType, b]) => ({ contentType, body: b })),
      },
      { weight: 1, arbitrary: fc.constant({ contentType: 'application/json', body: '' }) },
      { weight: 1, arbitrary: fc.constant({}) },
    );

  const headerValue = fc.oneof(
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
    fc.constantFrom('Bearer ', 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', 'de-DE,de;q=0.9', '*;q=abc', '"><script>', "' OR 1=1 --", 'x'.repeat(4000)),
  );
  /** X-Forwarded-For values a client writes: addresses, names, lists, and values longer than any address. */
  const forwardedFor = fc.oneof(
    headerValue,
    fc.ipV4(),
    fc.ipV6(),
    fc.tuple(fc.ipV4(), fc.nat({ max: 2000 })).map(([ip, n]) => `${ip}, ${'a'.repeat(n)}`),
    fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), { minLength: 1, maxLength: 40 }).map((a) => a.join(', ')),
  );
  const headers = fc.record(
    {
      authorization: headerValue,
      'accept-language': headerValue,
      'x-request-id': headerValue,
      'x-forwarded-for': forwardedFor,
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', 'garbage'),
      cookie: headerValue,
    },
    { requiredKeys: [] },
  );

  const queryString = (route: Route) =>
    fc
      .dictionary(
        fc.oneof(fc.constantFrom(...route.query, 'token', 'locale', 'code', '__proto__', 'a[b]'), fc.string({ maxLength: 8 })),
        fc.oneof(text, real, fc.constant('')),
        { maxKeys: 3 },
      )
      .map((q) => {
        const s = new URLSearchParams(Object.entries(q)).toString();
        return s ? `?${s}` : '';
      });

  /** Path parameters ({id}) filled with generated segments. */
  const pathFor = (route: Route) =>
    fc
      .array(fc.oneof(text, real), { minLength: 4, maxLength: 4 })
      // Through UTF-8 first: a lone surrogate cannot be percent-encoded (it becomes U+FFFD, as on the wire).
      .map((segments) => route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(Buffer.from(String(segments.pop() ?? 'x')).toString())));

  const request: fc.Arbitrary<FuzzRequest> = fc
    .integer({ min: 0, max: 1_000_000 })
    .chain((i) => {
      const route = routes[i % routes.length];
      return fc.record({
        route: fc.constant(route),
        path: pathFor(route),
        query: queryString(route),
        headers,
        payload: route.method === 'GET' ? fc.oneof(fc.constant<Payload>({}), body(route)) : body(route),
      });
    })
    .map(({ route, path, query, headers: h, payload }) => {
      const all: Record<string, string> = { ...h };
      if (payload.contentType !== undefined) all['content-type'] = payload.contentType;
      let b = payload.body;
      // Within the body limit: a huge generated string is cut to fit.
      if (b !== undefined && Buffer.byteLength(b) > BODY_LIMIT_BYTES) b = Buffer.from(b).subarray(0, BODY_LIMIT_BYTES - 1).toString();
      const sent = route.method === 'GET' && b === '' ? undefined : b;
      // Fastify reads no body on GET, so only the content-type check applies there.
      const expectation = sent === undefined || (route.method === 'GET' && payload.expect !== 'unsupported-type') ? undefined : payload.expect;
      return { route, path, query, headers: all, body: sent, expect: expectation };
    });

  // -------------------------------------------------------------------------------------------
  // Checks.

  /** Account and reset state, with the attempt counters apart (a counted wrong code moves exactly one of them). */
  async function snapshot() {
    const [row] = await db.query(
      `SELECT
         (SELECT coalesce(md5(string_agg(id || username || password_hash || token_version, ',' ORDER BY id)), '') FROM users) AS users,
         (SELECT coalesce(md5(string_agg(user_id || email || is_primary, ',' ORDER BY id)), '') FROM user_emails) AS emails,
         (SELECT coalesce(md5(string_agg(id || coalesce(user_id::text, '') || encode(code_hash, 'hex') || encode(token_hash, 'hex')
                   || coalesce(used_at::text, '') || coalesce(superseded_at::text, '') || expires_at, ',' ORDER BY id)), '') FROM reset_requests) AS requests,
         (SELECT coalesce(json_agg(json_build_array(id, attempts) ORDER BY id)::text, '[]') FROM reset_requests) AS attempts,
         (SELECT count(*)::int FROM mail_outbox) AS outbox`,
    );
    return row as { users: string; emails: string; requests: string; attempts: string; outbox: number };
  }

  function attemptsMoved(before: string, after: string): number[] {
    const a = new Map<string, number>(JSON.parse(before));
    const b = new Map<string, number>(JSON.parse(after));
    return [...b].map(([id, n]) => n - (a.get(id) ?? 0)).filter((d) => d !== 0);
  }

  /** The error-body shape a path's contract renders, read from its own presenter: key → JSON type. */
  function shapeFor(path: string): Record<string, string> {
    const presenter = t.app.get(ErrorPresenters).forPath(path);
    const { body: sample } = presenter({ status: 400, code: 'bad_request', message: 'sample', details: {}, headers: {} });
    return Object.fromEntries(Object.entries(sample as Record<string, unknown>).map(([k, v]) => [k, typeof v]));
  }

  function shapeProblems(path: string, status: number, body: unknown): string[] {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['the error body is not a JSON object'];
    const shape = shapeFor(path);
    const problems: string[] = [];
    for (const [key, type] of Object.entries(shape)) {
      const v = (body as Record<string, unknown>)[key];
      // FastAPI-style validation errors carry a list in `detail`.
      const ok = typeof v === type || (key === 'detail' && status === 422 && Array.isArray(v));
      if (!ok) problems.push(`"${key}" should be ${type}, got ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    return problems;
  }

  /** What is wrong with the answer to a request of a class with a stricter expected answer, if anything. */
  function unmetExpectation(r: FuzzRequest, status: number, text: string): string | null {
    // Headers over the limit are refused before any of this is looked at.
    if (status === 431) return null;
    if (r.expect === 'unsupported-type' && status !== 415) return `a body in a type the route does not document (${r.route.consumes.join(', ') || 'none'}) was not 415`;
    if (r.expect === 'too-deep') {
      const fastApi = status === 422 && /"json_invalid"/.test(text);
      if (!(status === 400 && /nested deeper than 32/.test(text)) && !fastApi) return 'JSON nested deeper than 32 levels was not refused as such';
    }
    if (r.expect === 'not-accepted' && status < 400) return 'a control character in a field was accepted';
    return null;
  }

  /** One request over node:http, which (unlike fetch) sends a body with GET and any header as given. */
  function send(r: FuzzRequest): Promise<{ status: number; text: string; contentType: string; headers: Headers }> {
    return new Promise((resolvePromise, reject) => {
      const { port } = new URL(t.url);
      const payload = r.body === undefined ? undefined : Buffer.from(r.body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: r.route.method,
          path: `${r.path}${r.query}`,
          headers: { ...r.headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
          timeout: REQUEST_TIMEOUT_MS,
          // A connection of its own: no case inherits a socket an earlier case left behind.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolvePromise({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              contentType: String(res.headers['content-type'] ?? ''),
              headers: new Headers(Object.entries(res.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]]))),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  it(`answers ${RUNS} generated requests without a 5xx, a hang, a malformed error or a state change`, async () => {
    const statuses = new Map<string, Map<number, number>>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await snapshot();
        let res: Awaited<ReturnType<typeof send>>;
        try {
          res = await send(r);
        } catch (err) {
          // A header value node:http itself refuses to send is not a request we sent.
          if ((err as { code?: string }).code === 'ERR_INVALID_CHAR' || (err as { code?: string }).code === 'ERR_INVALID_HTTP_TOKEN') return;
          throw new Error(`${r.route.method} ${r.path}: ${(err as Error).message}`);
        }
        const key = `${r.route.method} ${r.route.path}`;
        const counts = statuses.get(key) ?? new Map<number, number>();
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        statuses.set(key, counts);

        const label = `${res.status} ${res.text.slice(0, 300)} ← ${r.route.method} ${r.path.slice(0, 200)}${r.query.slice(0, 200)} (${r.headers['content-type'] ?? 'no content type'}, body ${r.body?.slice(0, 200)})`;
        if (res.status >= 500) throw new Error(`5xx: ${label}`);
        const expectationProblem = unmetExpectation(r, res.status, res.text);
        if (expectationProblem) throw new Error(`${expectationProblem}: ${label}`);
        // Every answer conforms to the OpenAPI document (status, schema, headers), as in test/support/http.ts.
        const unconforming = (await conformanceFor()).check(r.route.method, `${t.url}${r.path}`, res.status, res.headers, res.text);
        if (unconforming.length) throw new Error(`${unconforming.join('; ')}: ${label}`);
        if (res.status < 400) return; // accepted: state may change
        if (!/^application\/json/.test(res.contentType)) throw new Error(`not JSON (${res.contentType}): ${label}`);
        let parsed: unknown;
        try {
          parsed = JSON.parse(res.text);
        } catch {
          throw new Error(`invalid JSON: ${label}`);
        }
        const problems = shapeProblems(r.path, res.status, parsed);
        if (problems.length) throw new Error(`${problems.join('; ')}: ${label}`);

        const after = await snapshot();
        const { attempts: a0, ...rest0 } = before;
        const { attempts: a1, ...rest1 } = after;
        if (JSON.stringify(rest0) !== JSON.stringify(rest1)) throw new Error(`a rejected request changed state: ${label}`);
        const moved = attemptsMoved(a0, a1);
        const errorCode = (parsed as Record<string, unknown>).error_code ?? (parsed as Record<string, unknown>).code;
        const counted = COUNTED_WRONG_CODE.has(String(errorCode));
        if (moved.length && !(counted && moved.length === 1 && moved[0] === 1)) {
          throw new Error(`a rejected request changed attempt counters by ${JSON.stringify(moved)}: ${label}`);
        }
      }),
      { numRuns: RUNS, seed: SEED, verbose: 1, interruptAfterTimeLimit: 170_000, markInterruptAsFailure: true },
    );
    const summary = [...statuses].map(([k, m]) => `${k}: ${[...m].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`fuzzed ${RUNS} requests over ${routes.length} routes\n${summary.join('\n')}`);
    // Every documented route was reached.
    expect(statuses.size).toBe(routes.length);
  }, 240_000);
});

function resolve(doc: any, schema: any): any {
  if (!schema?.$ref) return schema;
  return schema.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: any, part: string) => node?.[part], doc);
}
