// `node bench/enumeration-load.mjs` (after `npm run build`): the enumeration measurement of
// bench/enumeration.mjs while the background load changes. With RESET_HIDE_UNKNOWN_ACCOUNTS=true
// the unknown-account path pads itself to the time of a drawn recent real request; a padding that
// lags behind a change in load would show as a difference between known and unknown accounts.
//
// A second client toggles a sendEmail burst (autocannon, BENCH_BURST_CONNECTIONS, default 8,
// on background accounts) on and off every BENCH_BURST_SECONDS (default 3) while, on each
// reset-request route (the four contracts' and the hosted request page's, whose form is sent with
// the CSRF cookie and token a browser gets with it), BENCH_REQUESTS (default 200) known and as
// many unknown requests are sent one at a time in a random order (see sendingOrder). The report gives the medians and p90s per route,
// overall and split by whether the burst was on when the request was sent. Target: |Δ median| <
// 5 ms on every route. DATABASE_URL=postgres://… uses a fresh database on that server, else
// on-disk PGlite. `--write` puts the table in BENCHMARKS.md.
//
// A measurement, not a test: exits 0 whatever the numbers, non-zero only when a known and an
// unknown account get different answers, a route answers other than 200 (it would time a
// refusal), or an unknown account gets mail.
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { freePort } from './lib/local.mjs';
import { writeReport } from './lib/report.mjs';
import { MAIN_JS, openDatabase, percentile, ROOT, Service, imageNodeOptions } from './lib/service.mjs';
import { SmtpSink } from './lib/smtp-sink.mjs';

const N = Number(process.env.BENCH_REQUESTS || 200);
const WARMUP = 20;
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS || 3);
const BURST_CONNECTIONS = Number(process.env.BENCH_BURST_CONNECTIONS || 8);
const TARGET_MS = 5;
const BACKGROUND_ACCOUNTS = 2000;
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions();
const ORDER = process.env.BENCH_ORDER === 'pairs' ? 'pairs' : 'shuffled';

const ROUTES = [
  { name: 'username-code `sendEmail`', path: '/api/auth/forgotPassword/sendEmail', body: (a) => ({ username: a.username }) },
  { name: 'forgot-password `/forgot-password/code`', path: '/forgot-password/code', body: (a) => ({ email: a.email }) },
  { name: 'auth-resetpassword `/auth/forgotpassword`', path: '/auth/forgotpassword', body: (a) => ({ email: a.email }) },
  { name: 'token-link `reset-request`', path: '/api/auth/password/reset-request', body: (a) => ({ email: a.email }) },
  { name: 'page `/reset-password/request`', path: '/reset-password/request', body: (a) => ({ form: { email: a.email } }) },
];

const log = (...args) => console.error(`[enumeration-load ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!existsSync(MAIN_JS)) {
  console.error('dist/main.js is missing: run `npm run build` first.');
  process.exit(1);
}

/** The hosted page's CSRF cookie and form token, as a browser gets them with the form. */
async function pageSession(base) {
  const res = await fetch(`${base}/reset-password/request`);
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!token || !cookie) throw new Error('the request page gave no CSRF token or cookie');
  return { token, cookie };
}

/** POSTs JSON, or a form for `{ form }` (the hosted page, with `page` from pageSession), and times the answer. */
async function post(base, path, body, page) {
  const started = performance.now();
  const headers = body.form
    ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'sec-fetch-site': 'same-origin', cookie: page.cookie }
    : { 'content-type': 'application/json' };
  const payload = body.form ? new URLSearchParams({ ...body.form, _csrf: page.token }).toString() : JSON.stringify(body);
  const res = await fetch(base + path, { method: 'POST', headers, body: payload });
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, text };
}

/** An answer with the account's names taken out (the page echoes the address). */
const answerOf = (res, account) => `${res.status} ${res.text.split(account.email).join('<email>').split(account.username).join('<username>')}`;

/** Toggles a sendEmail burst on and off every BURST_SECONDS until stopped; `on()` tells whether it runs now. */
function changingLoad(base) {
  let running = true;
  let burst;
  let i = 0;
  const loop = (async () => {
    while (running) {
      burst = autocannon({
        url: base,
        connections: BURST_CONNECTIONS,
        duration: BURST_SECONDS,
        requests: [
          {
            method: 'POST',
            path: '/api/auth/forgotPassword/sendEmail',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: `bench.bg.${(i++ % BACKGROUND_ACCOUNTS) + 1}` }) }),
          },
        ],
      });
      await burst;
      burst = undefined;
      if (running) await sleep(BURST_SECONDS * 1000);
    }
  })();
  return {
    on: () => burst !== undefined,
    stop: async () => {
      running = false;
      burst?.stop();
      await loop;
    },
  };
}

/**
 * The order of one route's requests: every known and unknown one shuffled (default), so each is
 * preceded by a known request as often as the other group is; or, BENCH_ORDER=pairs, random
 * pairs of one of each (an unknown request then follows a known one three times in four, a
 * known one once in four, and pays more often for the work a real request leaves behind, the
 * mail delivery, which shows in the "after" columns).
 */
function sendingOrder() {
  if (ORDER === 'pairs') return Array.from({ length: N + WARMUP }, () => (randomInt(2) ? ['known', 'unknown'] : ['unknown', 'known'])).flat();
  const order = [...Array(N + WARMUP).fill('known'), ...Array(N + WARMUP).fill('unknown')];
  for (let k = order.length - 1; k > 0; k--) {
    const j = randomInt(k + 1);
    [order[k], order[j]] = [order[j], order[k]];
  }
  return order;
}

function summary(samples) {
  return { n: samples.length, median: percentile(samples, 50), p90: percentile(samples, 90) };
}

async function main() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-enum-load-'));
  const sink = await new SmtpSink().start();
  const db = await openDatabase(dataDir);
  const service = new Service({
    PATH: process.env.PATH,
    ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
    NODE_ENV: 'development',
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    ...db.env,
    SMTP_URL: sink.url,
    RESET_HIDE_UNKNOWN_ACCOUNTS: 'true',
    RATE_LIMIT_PER_MINUTE: '0',
    RESET_SEND_LIMIT: '10000',
    BCRYPT_COST: '4',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    RESET_SECRET: randomBytes(32).toString('hex'),
  });
  let load;
  try {
    await service.start(); // migrations
    if (db.needsRestartToSeed) await service.stop();
    const hash = await bcrypt.hash('BenchPassword123!', 4);
    await db.seed([
      [
        `INSERT INTO users (username, password_hash)
           SELECT 'bench.known.' || g, $1 FROM generate_series(1, ${N + WARMUP}) g
           UNION ALL SELECT 'bench.bg.' || g, $1 FROM generate_series(1, ${BACKGROUND_ACCOUNTS}) g`,
        [hash],
      ],
      [`INSERT INTO user_emails (user_id, email, is_primary) SELECT id, username || '@bench.test', true FROM users`, []],
    ]);
    if (db.needsRestartToSeed) await service.start();
    const known = Array.from({ length: N + WARMUP }, (_, i) => ({ username: `bench.known.${i + 1}`, email: `bench.known.${i + 1}@bench.test` }));
    const unknown = Array.from({ length: N + WARMUP }, (_, i) => ({ username: `bench.ghost.${i + 1}`, email: `bench.ghost.${i + 1}@bench.test` }));

    const page = await pageSession(service.url);
    load = changingLoad(service.url);
    const results = [];
    let mismatch = false;
    for (const route of ROUTES) {
      log(`${route.name}: ${N} known and ${N} unknown (${ORDER} order), under a burst toggled every ${BURST_SECONDS} s`);
      const samples = Object.fromEntries(['', 'On', 'Off', 'AfterKnown', 'AfterUnknown'].flatMap((k) => [[`known${k}`, []], [`unknown${k}`, []]]));
      const answers = { known: new Set(), unknown: new Set() };
      const next = { known: 0, unknown: 0 };
      let previous;
      for (const [position, group] of sendingOrder().entries()) {
        const on = load.on();
        const account = (group === 'known' ? known : unknown)[next[group]++];
        const res = await post(service.url, route.path, route.body(account), page);
        answers[group].add(answerOf(res, account));
        const after = previous;
        previous = group;
        if (position < 2 * WARMUP) continue;
        samples[group].push(res.ms);
        samples[`${group}${on ? 'On' : 'Off'}`].push(res.ms);
        samples[`${group}After${after === 'known' ? 'Known' : 'Unknown'}`].push(res.ms);
      }
      const same = answers.known.size === 1 && answers.unknown.size === 1 && [...answers.known][0] === [...answers.unknown][0];
      const status = [...answers.known][0].split(' ')[0];
      // A refused request (a 4xx page or body) would time the refusal, not the reset request.
      if (status !== '200') {
        mismatch = true;
        log(`${route.path} answered ${status}, not 200: ${[...answers.known][0].slice(0, 300)}`);
      }
      if (!same) {
        mismatch = true;
        log(`DIFFERENT ANSWERS on ${route.path}: known ${[...answers.known].join(' | ')}; unknown ${[...answers.unknown].join(' | ')}`);
      }
      const r = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]));
      results.push({ route, ...r, same, status });
      log(`${route.name}: Δ median ${(r.unknown.median - r.known.median).toFixed(2)} ms (burst on ${(r.unknownOn.median - r.knownOn.median).toFixed(2)}, off ${(r.unknownOff.median - r.knownOff.median).toFixed(2)}; after a known request ${(r.unknownAfterKnown.median - r.knownAfterKnown.median).toFixed(2)}, after an unknown ${(r.unknownAfterUnknown.median - r.knownAfterUnknown.median).toFixed(2)})`);
    }
    await load.stop();
    load = undefined;
    await sleep(2000);
    const unknownMails = sink.messages.filter((m) => m.to.some((t) => t.startsWith('bench.ghost.'))).length;

    const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
    const sign = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}` : '–');
    const lines = [
      `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.availableParallelism()} cores · load average ${os.loadavg()[0].toFixed(1)} · Node ${process.version} · ` +
        `${db.kind === 'postgres' ? 'PostgreSQL server' : 'PGlite (on disk)'} · RESET_HIDE_UNKNOWN_ACCOUNTS=true · a ${BURST_CONNECTIONS}-connection sendEmail burst toggled every ${BURST_SECONDS} s`,
      '',
      `${N} known and ${N} unknown accounts per route, one request at a time, interleaved in random pairs after ${WARMUP} warm-up pairs. ms, measured by the client; Δ = unknown − known; target |Δ median| < ${TARGET_MS} ms.`,
      '',
      '| route | known median | Δ median | known p90 | Δ p90 | Δ median, burst on (n) | Δ median, burst off (n) | Δ median, after a known request (n) | Δ median, after an unknown one (n) | same answer |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...results.map(
        (r) =>
          `| ${r.route.name} | ${f(r.known.median)} | **${sign(r.unknown.median - r.known.median)}** | ${f(r.known.p90)} | ${sign(r.unknown.p90 - r.known.p90)} | ` +
          `${sign(r.unknownOn.median - r.knownOn.median)} (${r.knownOn.n}+${r.unknownOn.n}) | ${sign(r.unknownOff.median - r.knownOff.median)} (${r.knownOff.n}+${r.unknownOff.n}) | ` +
          `${sign(r.unknownAfterKnown.median - r.knownAfterKnown.median)} (${r.knownAfterKnown.n}+${r.unknownAfterKnown.n}) | ${sign(r.unknownAfterUnknown.median - r.knownAfterUnknown.median)} (${r.knownAfterUnknown.n}+${r.unknownAfterUnknown.n}) | ${r.same ? `yes (${r.status})` : 'NO'} |`,
      ),
      '',
      `Emails to unknown accounts: ${unknownMails}.`,
    ];
    const report = lines.join('\n');
    console.log(report);
    if (process.argv.includes('--write')) writeReport(process.env.BENCH_OUTPUT || join(ROOT, 'BENCHMARKS.md'), `enumeration-load ${db.kind}`, report);
    if (mismatch || unknownMails > 0) process.exitCode = 1;
  } finally {
    await load?.stop();
    await service.stop();
    await sink.stop();
    await db.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
