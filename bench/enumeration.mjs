// `npm run bench:enumeration`: does RESET_HIDE_UNKNOWN_ACCOUNTS=true hide which accounts exist
// from a client that times the reset-request routes? (Run `npm run build` first.)
//
// The built service (dist/main.js) runs as a child process with RESET_HIDE_UNKNOWN_ACCOUNTS=true,
// on a fresh database on the PostgreSQL server named by DATABASE_URL (dropped afterwards) or,
// when DATABASE_URL is unset, on in-memory PGlite; mail goes to a real SMTP server in this
// process. For each reset-request route, BENCH_REQUESTS (default 200) requests for known accounts
// and as many for unknown ones are sent one at a time, interleaved in random pairs, after a
// warm-up; the report gives median, p90 and mean of each group and their differences. Target:
// below 5 ms. Answers are checked to be identical (status and body) and unknown accounts to get
// no email.
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

/** The reset-request route of each contract, and the body naming an account. */
const ROUTES = [
  { name: 'seed 002 POST /api/auth/forgotPassword/sendEmail', path: '/api/auth/forgotPassword/sendEmail', body: (a) => ({ username: a.username }) },
  { name: 'seed 000 POST /forgot-password/code', path: '/forgot-password/code', body: (a) => ({ email: a.email }) },
  { name: 'seed 001 POST /auth/forgotpassword', path: '/auth/forgotpassword', body: (a) => ({ email: a.email }) },
  { name: 'seed 003 POST /api/auth/password/reset-request', path: '/api/auth/password/reset-request', body: (a) => ({ email: a.email }) },
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

async function post(base, path, body) {
  const started = performance.now();
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, text };
}

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
    for (const route of ROUTES) {
      log(`${route.name}: ${WARMUP} + ${WARMUP} warm-up, then ${N} known and ${N} unknown, interleaved`);
      const samples = { known: [], unknown: [] };
      const answers = { known: new Set(), unknown: new Set() };
      for (let i = 0; i < N + WARMUP; i++) {
        // Each pair in a random order, so neither group always goes first.
        const order = randomInt(2) ? ['known', 'unknown'] : ['unknown', 'known'];
        for (const group of order) {
          const account = (group === 'known' ? known : unknown)[i];
          const res = await post(base, route.path, route.body(account));
          answers[group].add(`${res.status} ${res.text}`);
          if (i >= WARMUP) samples[group].push(res.ms);
        }
      }
      const same = answers.known.size === 1 && answers.unknown.size === 1 && [...answers.known][0] === [...answers.unknown][0];
      if (!same) {
        mismatch = true;
        log(`DIFFERENT ANSWERS on ${route.path}: known ${[...answers.known].join(' | ')}; unknown ${[...answers.unknown].join(' | ')}`);
      }
      results.push({ route, known: stats(samples.known), unknown: stats(samples.unknown), answer: [...answers.known][0], same });
    }

    // Let the worker deliver what the known requests queued, then check nobody unknown got mail.
    await new Promise((r) => setTimeout(r, 2000));
    const unknownMails = unknown.reduce((n, a) => n + (smtp.received.get(a.email) ?? 0), 0);
    const knownMails = known.reduce((n, a) => n + (smtp.received.get(a.email) ?? 0), 0);

    const fmt = (x) => x.toFixed(2);
    const lines = [
      `## Enumeration resistance (RESET_HIDE_UNKNOWN_ACCOUNTS=true)`,
      '',
      `${N} known and ${N} unknown accounts per route, one request at a time, interleaved in random pairs after ${WARMUP} warm-up pairs; ` +
        `${server ? 'PostgreSQL server' : 'in-memory PGlite'}, Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}). ` +
        `Times in ms, measured by the client over loopback. Target: |difference| below ${TARGET_MS} ms.`,
      '',
      '| route | known median | unknown median | Δ median | known p90 | unknown p90 | Δ p90 | same answer | within target |',
      '|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...results.map((r) => {
        const dMedian = r.unknown.median - r.known.median;
        const dP90 = r.unknown.p90 - r.known.p90;
        const verdict = [Math.abs(dMedian) < TARGET_MS ? 'median' : '', Math.abs(dP90) < TARGET_MS ? 'p90' : ''].filter(Boolean).join(' + ') || 'neither';
        return (
          `| ${r.route.name} | ${fmt(r.known.median)} | ${fmt(r.unknown.median)} | ${fmt(dMedian)} | ` +
          `${fmt(r.known.p90)} | ${fmt(r.unknown.p90)} | ${fmt(dP90)} | ${r.same ? 'yes' : 'NO'} | ${verdict} |`
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
