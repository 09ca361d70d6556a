// `npm run bench:enumeration`: does RESET_HIDE_UNKNOWN_ACCOUNTS=true hide which accounts exist
// from a client that times the public routes? (Run `npm run build` first.)
//
// The built service (dist/main.js) runs as a child process with RESET_HIDE_UNKNOWN_ACCOUNTS=true,
// on a fresh database on the PostgreSQL server named by DATABASE_URL (dropped afterwards) or,
// when DATABASE_URL is unset, on in-memory PGlite; mail goes to a real SMTP server in this
// process. Three scenarios, each with BENCH_REQUESTS (default 200) samples per group, sent one
// request at a time, interleaved in random pairs, after a warm-up:
//
// - "direct", on every reset-request route (the four contracts and the hosted request page):
//   the request for a known account against the request for an unknown one;
// - "direct", on every code route (checkCode, resetPassword, PATCH /auth/resetpassword?code=,
//   the hosted code page), with a wrong code, after one reset request for every name;
// - "after", on every route: a reset request for a known or an unknown account, then at once a
//   probe on the route (for a name without an account); the probe's time is what is compared,
//   so work the service does after a real request (the mail worker) would show here.
//
// The report gives median, p90 and mean of each group and their differences. Target: below
// 5 ms. Answers are checked to be identical (status and body, the name taken out) and unknown
// accounts to get no email.
//
// This is a measurement, not a test: it exits 0 whatever the numbers are, non-zero only when the
// service answers a known and an unknown account differently. BENCH_OUTPUT=path also writes the
// report there as Markdown.
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { freePort, withClient } from './lib/local.mjs';
import { SMTPServer } from 'smtp-server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN_JS = join(ROOT, 'dist', 'main.js');
const N = Number(process.env.BENCH_REQUESTS || 200);
const WARMUP = 20;
const TARGET_MS = 5;
const PASSWORD = 'BenchPassword123!';

const form = (fields) => ({ form: fields });

/** The reset-request route of each contract and the hosted request page, and the body naming an account. */
const REQUEST_ROUTES = [
  { name: 'username-code POST /api/auth/forgotPassword/sendEmail', path: '/api/auth/forgotPassword/sendEmail', body: (a) => ({ username: a.username }) },
  { name: 'forgot-password POST /forgot-password/code', path: '/forgot-password/code', body: (a) => ({ email: a.email }) },
  { name: 'auth-resetpassword POST /auth/forgotpassword', path: '/auth/forgotpassword', body: (a) => ({ email: a.email }) },
  { name: 'token-link POST /api/auth/password/reset-request', path: '/api/auth/password/reset-request', body: (a) => ({ email: a.email }) },
  { name: 'page POST /reset-password/request', path: '/reset-password/request', body: (a) => form({ email: a.email }) },
];

const WRONG = '000000';
const NEW_PASSWORD = 'BenchNewPassword456!';

/** Every route that takes a 6-digit code, with a wrong one. */
const CODE_ROUTES = [
  { name: 'username-code POST /api/auth/forgotPassword/checkCode', path: '/api/auth/forgotPassword/checkCode', body: (a) => ({ username: a.username, code: WRONG }) },
  { name: 'username-code POST /api/auth/forgotPassword/resetPassword', path: '/api/auth/forgotPassword/resetPassword', body: (a) => ({ username: a.username, code: WRONG, new_password: NEW_PASSWORD }) },
  { name: 'auth-resetpassword PATCH /auth/resetpassword?code=', method: 'PATCH', path: `/auth/resetpassword?code=${WRONG}`, body: (a) => ({ email: a.email, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD }) },
  { name: 'page POST /reset-password/code', path: '/reset-password/code', body: (a) => form({ identifier: a.email, code: WRONG, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD }) },
];

const log = (...args) => console.error(`[enumeration ${new Date().toISOString().slice(11, 19)}]`, ...args);

if (!existsSync(MAIN_JS)) {
  console.error('dist/main.js is missing: run `npm run build` first.');
  process.exit(1);
}

/** A real SMTP server that counts what it receives, per recipient. */
async function startSmtp() {
  const received = new Map();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) received.set(r.address, (received.get(r.address) ?? 0) + 1);
        callback();
      });
    },
  });
  await new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', res);
  });
  return { server, received, port: server.server.address().port };
}

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

async function post(base, path, body, method = 'POST') {
  const started = performance.now();
  const isForm = body && body.form;
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json', accept: isForm ? 'text/html' : 'application/json' },
    body: isForm ? new URLSearchParams(body.form).toString() : JSON.stringify(body),
  });
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, text };
}

/** An answer with the account's names taken out (pages echo the address). */
const answerOf = (res, account) => `${res.status} ${res.text.split(account.email).join('<email>').split(account.username).join('<username>')}`;

async function main() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-enum-'));
  const server = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
  const dbName = `reset_bench_enum_${Date.now()}_${randomBytes(3).toString('hex')}`;
  let databaseUrl = 'memory://';
  if (server) {
    await withClient(server, (c) => c.query(`CREATE DATABASE ${dbName}`));
    const url = new URL(server);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const smtp = await startSmtp();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(port),
      METRICS_PORT: '0',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      RESET_HIDE_UNKNOWN_ACCOUNTS: 'true',
      // Every request takes the path being measured: no per-IP limit, a send budget per
      // account larger than the requests it gets. bcrypt is not on the reset-request path.
      RATE_LIMIT_PER_MINUTE: '0',
      RESET_SEND_LIMIT: '100',
      LOGIN_MAX_ACCOUNT_FAILURES: '100000',
      BCRYPT_COST: '4',
      MAIL_POLL_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/health/ready`)).status === 200) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('the service did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }

    log(`registering ${N + WARMUP} accounts`);
    const tag = Date.now().toString(36);
    const known = [];
    for (let i = 0; i < N + WARMUP; i++) {
      const username = `enum.${tag}.${i}`;
      const email = `${username}@example.com`;
      const res = await post(base, '/auth/register', { username, email, password: PASSWORD });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
      known.push({ username, email });
    }
    const unknown = Array.from({ length: N + WARMUP }, (_, i) => ({
      username: `ghost.${tag}.${i}`,
      email: `ghost.${tag}.${i}@example.com`,
    }));

    const results = [];
    let mismatch = false;
    const probes = (kind) => Array.from({ length: N + WARMUP }, (_, i) => ({ username: `probe.${kind}.${tag}.${i}`, email: `probe.${kind}.${tag}.${i}@example.com` }));

    /**
     * `pairs` known/unknown samples: `send(group, i)` makes the request(s) of sample i and returns
     * the response to time and compare.
     */
    async function measure(name, scenario, send) {
      log(`${scenario} ${name}: ${WARMUP} + ${WARMUP} warm-up, then ${N} known and ${N} unknown, interleaved`);
      const samples = { known: [], unknown: [] };
      const answers = { known: new Set(), unknown: new Set() };
      for (let i = 0; i < N + WARMUP; i++) {
        // Each pair in a random order, so neither group always goes first.
        const order = randomInt(2) ? ['known', 'unknown'] : ['unknown', 'known'];
        for (const group of order) {
          const { res, answer } = await send(group, i);
          answers[group].add(answer);
          if (i >= WARMUP) samples[group].push(res.ms);
        }
      }
      const same = answers.known.size === 1 && answers.unknown.size === 1 && [...answers.known][0] === [...answers.unknown][0];
      if (!same && scenario === 'direct') {
        mismatch = true;
        log(`DIFFERENT ANSWERS on ${name}: known ${[...answers.known].join(' | ').slice(0, 500)}; unknown ${[...answers.unknown].join(' | ').slice(0, 500)}`);
      }
      results.push({ name, scenario, known: stats(samples.known), unknown: stats(samples.unknown), same: scenario === 'direct' ? same : null });
    }

    const names = { known, unknown };
    for (const route of REQUEST_ROUTES) {
      await measure(route.name, 'direct', async (group, i) => {
        const account = names[group][i];
        const res = await post(base, route.path, route.body(account));
        return { res, answer: answerOf(res, account) };
      });
    }

    // Every name gets a reset request by username and by address (a stand-in for unknown
    // ones), so that each code route finds a live request to count its try against.
    log('one reset request per name and contract for the code routes');
    for (const group of ['known', 'unknown']) {
      for (const account of names[group]) {
        await post(base, '/api/auth/forgotPassword/sendEmail', { username: account.username });
        await post(base, '/forgot-password/code', { email: account.email });
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
    for (const route of CODE_ROUTES) {
      await measure(route.name, 'direct', async (group, i) => {
        const account = names[group][i];
        const res = await post(base, route.path, route.body(account), route.method);
        return { res, answer: answerOf(res, account) };
      });
    }

    // Right after a request for another account, known or not: the probe (a name without an
    // account, the same for both groups) is timed.
    let k = 0;
    for (const route of [...REQUEST_ROUTES, ...CODE_ROUTES]) {
      const probe = probes(k);
      const before = REQUEST_ROUTES[k % REQUEST_ROUTES.length];
      k += 1;
      await measure(route.name, `after ${before.path}`, async (group, i) => {
        await post(base, before.path, before.body(names[group][i]));
        const res = await post(base, route.path, route.body(probe[i]), route.method);
        return { res, answer: answerOf(res, probe[i]) };
      });
    }

    // Let the worker deliver what the known requests queued, then check nobody unknown got mail.
    await new Promise((r) => setTimeout(r, 2000));
    const unknownMails = unknown.reduce((n, a) => n + (smtp.received.get(a.email) ?? 0), 0);
    const knownMails = known.reduce((n, a) => n + (smtp.received.get(a.email) ?? 0), 0);

    const fmt = (x) => x.toFixed(2);
    const lines = [
      `## Enumeration resistance (RESET_HIDE_UNKNOWN_ACCOUNTS=true)`,
      '',
      `${N} known and ${N} unknown accounts per route and scenario, one request at a time, interleaved in random pairs after ${WARMUP} warm-up pairs; ` +
        `${server ? 'PostgreSQL server' : 'in-memory PGlite'}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the end. ` +
        `Times in ms, measured by the client over loopback. "direct": the request for the account itself; "after …": a probe for a name without an account, sent right after that request for a known or an unknown account. Target: |difference| below ${TARGET_MS} ms.`,
      '',
      '| route | scenario | known median | unknown median | Δ median | known p90 | unknown p90 | Δ p90 | same answer | within target |',
      '|---|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...results.map((r) => {
        const dMedian = r.unknown.median - r.known.median;
        const dP90 = r.unknown.p90 - r.known.p90;
        const verdict = [Math.abs(dMedian) < TARGET_MS ? 'median' : '', Math.abs(dP90) < TARGET_MS ? 'p90' : ''].filter(Boolean).join(' + ') || 'neither';
        return (
          `| ${r.name} | ${r.scenario} | ${fmt(r.known.median)} | ${fmt(r.unknown.median)} | ${fmt(dMedian)} | ` +
          `${fmt(r.known.p90)} | ${fmt(r.unknown.p90)} | ${fmt(dP90)} | ${r.same === null ? '' : r.same ? 'yes' : 'NO'} | ${verdict} |`
        );
      }),
      '',
      `Δ = unknown − known. Emails delivered: ${knownMails} to known accounts, ${unknownMails} to unknown ones.`,
    ];
    const report = lines.join('\n');
    console.log(report);
    if (process.env.BENCH_OUTPUT && process.env.BENCH_OUTPUT !== "-") writeFileSync(process.env.BENCH_OUTPUT, `${report}\n`);
    if (mismatch || unknownMails > 0) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await exited;
    await new Promise((r) => smtp.server.close(r));
    if (server) await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
