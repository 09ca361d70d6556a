// `npm run bench`: throughput of the built service (dist/main.js; run `npm run build` first)
// against the machine's raw bcrypt capacity. See BENCHMARKS.md for what each scenario measures.
//
// The service runs as a child process against DATABASE_URL (a fresh database created on that
// PostgreSQL server and dropped afterwards) or, when DATABASE_URL is unset, on-disk PGlite in a
// temporary DATA_DIR; mail goes to an SMTP sink in this process. Per-IP limits are off and the
// per-account send limit is high, so every request takes the path being measured.
//
// Environment: BCRYPT_COST (default 12, the service default), UV_THREADPOOL_SIZE (passed to the
// service and to the bcrypt measurement alike), BENCH_SECONDS (scales every scenario's duration,
// default 1), BENCH_OUTPUT (the file `--write` rewrites, default BENCHMARKS.md; "-" to write
// nothing), BENCH_LOG_LEVEL (the service's LOG_LEVEL, default info).
//
// It prints the table; only `npm run bench -- --write` also rewrites the block in BENCHMARKS.md,
// so a run never changes a tracked file unless asked.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { freePort, withClient } from './lib/local.mjs';
import { SmtpSink } from './lib/smtp-sink.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN_JS = join(ROOT, 'dist', 'main.js');
const COST = Number(process.env.BCRYPT_COST || 12);
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE || 4);
const SCALE = Number(process.env.BENCH_SECONDS || 1);
const WRITE = process.argv.slice(2).includes('--write');
const OUTPUT = WRITE ? (process.env.BENCH_OUTPUT ?? join(ROOT, 'BENCHMARKS.md')) : '-';
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'info';
const PASSWORD = 'BenchPassword123!';
const NEW_PASSWORD = 'Bench-NewPassword#2026';
const MAIL_ACCOUNTS = 3000;
const LOGIN_ACCOUNTS = 50;

const seconds = (s) => Math.max(2, Math.round(s * SCALE));
const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!existsSync(MAIN_JS)) {
  console.error('dist/main.js is missing: run `npm run build` first (the benchmark builds nothing).');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The database: a fresh one on the PostgreSQL server, or on-disk PGlite in a temporary DATA_DIR.

async function openDatabase(dataDir) {
  const server = process.env.DATABASE_URL;
  if (server?.startsWith('postgres')) {
    const name = `reset_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
    await withClient(server, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      kind: 'postgres',
      env: { DATABASE_URL: url.toString() },
      seed: (statements) =>
        withClient(url.toString(), async (c) => {
          for (const [sql, params] of statements) await c.query(sql, params);
        }),
      drop: () => withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    };
  }
  // PGlite lives inside the service process: seed it while the service is stopped.
  const { PGlite } = await import('@electric-sql/pglite');
  return {
    kind: 'pglite',
    env: {},
    needsRestartToSeed: true,
    seed: async (statements) => {
      const db = new PGlite(join(dataDir, 'pgdata'));
      try {
        for (const [sql, params] of statements) await db.query(sql, params);
      } finally {
        await db.close();
      }
    },
    drop: async () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// The service process.

class Service {
  constructor(env) {
    this.env = env;
    this.port = Number(env.PORT);
    this.url = `http://127.0.0.1:${this.port}`;
    this.stderr = '';
  }

  async start() {
    this.child = spawn(process.execPath, [MAIN_JS], { cwd: ROOT, env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-20_000)));
    this.exited = new Promise((r) => this.child.once('exit', (code, signal) => r({ code, signal })));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      try {
        if ((await fetch(`${this.url}/health/ready`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the service did not become ready:\n${this.stderr}`);
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }

  rssKiB() {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  /** Samples the resident set every 100 ms until the returned function is called; that returns the peak (MiB). */
  watchRss() {
    let peak = this.rssKiB();
    const timer = setInterval(() => (peak = Math.max(peak, this.rssKiB())), 100);
    return () => {
      clearInterval(timer);
      return Math.max(peak, this.rssKiB()) / 1024;
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

/**
 * Runs autocannon at a fixed concurrency for a fixed time. `next()` gives each request's
 * {path, body, tag}; `classify(status, body, tag)` names the outcome of each response
 * (anything but `ok` is counted as an error unless listed in `expected`).
 */
async function scenario(service, { name, method = 'POST', connections, duration, next, classify, expected = ['ok'], warmup = 0 }) {
  const outcomes = {};
  const samples = {};
  const finished = [];
  const stopRss = service.watchRss();
  const result = await autocannon({
    url: service.url,
    connections,
    duration,
    timeout: 30,
    requests: [
      {
        method,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const { path, body, tag } = next();
          context.tag = tag;
          return { ...req, path, ...(body === undefined ? { body: undefined, headers: {} } : { body: JSON.stringify(body) }) };
        },
        onResponse: (status, body, context) => {
          finished.push(performance.now());
          const outcome = classify(status, body, context.tag);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (!expected.includes(outcome) && !samples[outcome]) samples[outcome] = String(body).slice(0, 300);
        },
      },
    ],
  });
  const peakRssMiB = stopRss();
  const completed = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const unexpected = Object.entries(outcomes)
    .filter(([k]) => !expected.includes(k))
    .reduce((a, [, v]) => a + v, 0);
  // Bcrypt-bound scenarios: the rate between the end of the first wave (`warmup` completions,
  // one per pool thread) and the last completion, so neither the start-up nor the hashes cut off
  // by the end of the run count against the service (the raw measurement has neither).
  const steady = warmup > 0 && finished.length > warmup + 1 ? (finished.length - warmup) / ((finished.at(-1) - finished[warmup - 1]) / 1000) : undefined;
  const row = {
    name,
    connections,
    duration: result.duration,
    completed,
    rps: completed / result.duration,
    steady,
    samples,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: unexpected + result.errors + result.timeouts,
    outcomes,
    peakRssMiB,
  };
  for (const [outcome, body] of Object.entries(samples)) log(`${name}: unexpected ${outcome}, e.g. ${body}`);
  log(`${name}: ${row.rps.toFixed(1)} req/s${steady ? ` (steady ${steady.toFixed(2)})` : ''}, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}, outcomes ${JSON.stringify(outcomes)}, peak RSS ${peakRssMiB.toFixed(0)} MiB`);
  return row;
}

function bodyOf(raw) {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

const statusIs = (code) => (status) => (status === code ? 'ok' : `http_${status}`);
const wrongCodeFor = (code) => String((Number(code ?? 0) + 1) % 1_000_000).padStart(6, '0');

function measureBcrypt(env, which = 'both', secs = seconds(6)) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'bcrypt-capacity.mjs'), String(COST), String(secs), which], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? res(JSON.parse(out)) : rej(new Error(`bcrypt measurement exited ${code}`))));
  });
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'reset-bench-'));
  const sink = await new SmtpSink().start();
  const db = await openDatabase(dataDir);
  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(process.env.UV_THREADPOOL_SIZE ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE } : {}),
  };
  const service = new Service({
    ...baseEnv,
    NODE_ENV: 'development',
    PORT: String(await freePort()),
    METRICS_PORT: '0',
    DATA_DIR: dataDir,
    ...db.env,
    SMTP_URL: sink.url,
    BCRYPT_COST: String(COST),
    LOG_LEVEL: LOG_LEVEL,
    JWT_SECRET: randomBytes(32).toString('hex'),
    RESET_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_PER_MINUTE: '0',
    RESET_SEND_LIMIT: '10000',
    LOGIN_MAX_FAILURES: '10000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
  });
  const rows = [];
  let outbox;
  let capacity;
  try {
    log(`database: ${db.kind}; bcrypt cost ${COST}; UV_THREADPOOL_SIZE ${POOL_SIZE}; ${os.availableParallelism()} cores; Node ${process.version}`);
    // Raw bcrypt capacity, measured first, with nothing else of ours running.
    capacity = await measureBcrypt(baseEnv);
    log(`raw bcrypt at cost ${COST} with ${capacity.poolSize} threads: ${capacity.hashPerSecond.toFixed(2)} hash/s, ${capacity.comparePerSecond.toFixed(2)} compare/s`);

    await service.start(); // runs the migrations

    // Accounts, inserted directly with one precomputed hash (registering them through the API
    // would cost one bcrypt hash each at the configured cost). The resetPassword scenario needs
    // one fresh code per request: half again what the raw bcrypt capacity allows.
    const hash = await bcrypt.hash(PASSWORD, COST);
    const resetAccounts = Math.ceil(capacity.hashPerSecond * seconds(20) * 1.5) + 32;
    if (db.needsRestartToSeed) await service.stop();
    await db.seed([
      [
        `INSERT INTO users (username, password_hash)
           SELECT 'bench.login.' || g, $1 FROM generate_series(1, ${LOGIN_ACCOUNTS}) g
           UNION ALL SELECT 'bench.mail.' || g, $1 FROM generate_series(1, ${MAIL_ACCOUNTS}) g
           UNION ALL SELECT 'bench.reset.' || g, $1 FROM generate_series(1, ${resetAccounts}) g`,
        [hash],
      ],
      [`INSERT INTO user_emails (user_id, email, is_primary) SELECT id, username || '@bench.test', true FROM users`, []],
    ]);
    if (db.needsRestartToSeed) await service.start();
    log(`seeded ${LOGIN_ACCOUNTS + MAIL_ACCOUNTS + resetAccounts} accounts`);

    // 1. POST /login: one bcrypt compare per request. The machine's capacity is measured again
    // right before and right after, so a change in background load shows in both figures.
    let i = 0;
    const compareBefore = (await measureBcrypt(baseEnv, 'compare', seconds(5))).comparePerSecond;
    const login = await scenario(service, {
      name: 'POST /login',
      connections: 16,
      duration: seconds(20),
      next: () => ({ path: '/login', body: { username: `bench.login.${(i++ % LOGIN_ACCOUNTS) + 1}`, password: PASSWORD } }),
      classify: statusIs(200),
      warmup: capacity.poolSize,
    });
    const compareAfter = (await measureBcrypt(baseEnv, 'compare', seconds(5))).comparePerSecond;
    login.bcrypt = (compareBefore + compareAfter) / 2;
    login.note = `raw compare capacity ${compareBefore.toFixed(2)}/s just before, ${compareAfter.toFixed(2)}/s just after; the ratio uses their mean`;
    rows.push(login);

    // 2. seed 002 sendEmail: a request row, the throttle, one queued email; then the outbox drains.
    i = 0;
    const requested = new Set();
    const mailsBefore = sink.messages.length;
    const sendStart = performance.now();
    const send = await scenario(service, {
      name: 'seed 002 sendEmail',
      connections: 16,
      duration: seconds(10),
      next: () => {
        const n = (i++ % MAIL_ACCOUNTS) + 1;
        return { path: '/api/auth/forgotPassword/sendEmail', body: { username: `bench.mail.${n}` }, tag: n };
      },
      classify: (status, _body, n) => {
        if (status !== 200) return `http_${status}`;
        requested.add(n);
        return 'ok';
      },
    });
    rows.push(send);
    const sendEnd = performance.now();
    const queued = send.outcomes.ok ?? 0;
    const deliveredAtEnd = sink.messages.length - mailsBefore;
    const lastAt = await sink.waitForCount(mailsBefore + queued, 180_000);
    outbox = {
      queued,
      deliveredDuringLoad: deliveredAtEnd,
      drainAfterLoadSeconds: Math.max(0, (lastAt - sendEnd) / 1000),
      totalSeconds: (lastAt - sendStart) / 1000,
    };
    outbox.perSecond = queued / outbox.totalSeconds;
    log(`outbox: ${queued} queued, ${deliveredAtEnd} delivered during the load, all delivered ${outbox.drainAfterLoadSeconds.toFixed(1)} s after it; ${outbox.perSecond.toFixed(0)} messages/s overall`);

    // 3. seed 002 checkCode with a wrong code: HMAC + one conditional UPDATE. Spread over every
    // account that has a live request, so the 12-try cap is reached as late as possible.
    const live = [...requested];
    i = 0;
    const check = await scenario(service, {
      name: 'seed 002 checkCode (wrong code)',
      connections: 16,
      duration: seconds(12),
      next: () => {
        const n = live[i++ % live.length];
        const code = wrongCodeFor(sink.codes.get(`bench.mail.${n}@bench.test`));
        return { path: '/api/auth/forgotPassword/checkCode', body: { username: `bench.mail.${n}`, code } };
      },
      classify: (status, body) => (status === 400 ? (bodyOf(body).error_code ?? 'http_400') : `http_${status}`),
      expected: ['code_incorrect', 'rate_limit_exceeded'],
    });
    check.note = `${live.length} live requests; ${check.outcomes.code_incorrect ?? 0} answered code_incorrect (counted), ${check.outcomes.rate_limit_exceeded ?? 0} rate_limit_exceeded (cap already reached, no UPDATE)`;
    rows.push(check);

    // 4. seed 002 resetPassword with fresh valid codes, issued beforehand and read from the sink.
    const resetDuration = seconds(20);
    const needed = resetAccounts;
    const before = sink.messages.length;
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        for (let n = w + 1; n <= needed; n += 16) {
          const res = await fetch(`${service.url}/api/auth/forgotPassword/sendEmail`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: `bench.reset.${n}` }),
          });
          if (res.status !== 200) throw new Error(`issuing a code for bench.reset.${n}: ${res.status} ${await res.text()}`);
        }
      }),
    );
    await sink.waitForCount(before + needed, 120_000);
    const codeOf = (k) => sink.codes.get(`bench.reset.${k + 1}@bench.test`);
    for (const deadline = Date.now() + 60_000; Array.from({ length: needed }, (_, k) => k).some((k) => !codeOf(k)); ) {
      if (Date.now() > deadline) throw new Error('not every fresh code arrived at the SMTP sink');
      await sleep(100);
    }
    const codes = Array.from({ length: needed }, (_, k) => [`bench.reset.${k + 1}`, codeOf(k)]);
    log(`issued ${needed} fresh codes for the resetPassword scenario`);
    i = 0;
    const hashBefore = (await measureBcrypt(baseEnv, 'hash', seconds(5))).hashPerSecond;
    const reset = await scenario(service, {
      name: 'seed 002 resetPassword (valid code)',
      connections: 16,
      duration: resetDuration,
      next: () => {
        const [username, code] = codes[i++ % codes.length];
        return { path: '/api/auth/forgotPassword/resetPassword', body: { username, code, new_password: NEW_PASSWORD } };
      },
      classify: statusIs(200),
      warmup: capacity.poolSize,
    });
    const hashAfter = (await measureBcrypt(baseEnv, 'hash', seconds(5))).hashPerSecond;
    reset.bcrypt = (hashBefore + hashAfter) / 2;
    reset.note = `raw hash capacity ${hashBefore.toFixed(2)}/s just before, ${hashAfter.toFixed(2)}/s just after; the ratio uses their mean`;
    if (i > codes.length) reset.note += `; ran out of fresh codes after ${codes.length} requests`;
    rows.push(reset);

    // 5. GET /health/live: the framework's floor.
    rows.push(
      await scenario(service, {
        name: 'GET /health/live',
        method: 'GET',
        connections: 32,
        duration: seconds(8),
        next: () => ({ path: '/health/live' }),
        classify: statusIs(200),
      }),
    );
  } finally {
    await service.stop();
    await sink.stop();
    await db.drop().catch((err) => log(`could not drop the benchmark database: ${err.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  }

  const report = render({ rows, outbox, capacity, kind: db.kind, seconds: (performance.now() - started) / 1000 });
  console.log(report);
  if (OUTPUT !== '-') {
    writeReport(OUTPUT, report);
    log(`table written to ${OUTPUT}`);
  } else {
    log('BENCHMARKS.md left as it is (npm run bench -- --write rewrites its table)');
  }
}

function render({ rows, outbox, capacity, kind, seconds: total }) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const lines = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.availableParallelism()} cores (${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}) · Node ${process.version} · ` +
      `BCRYPT_COST ${COST} · UV_THREADPOOL_SIZE ${capacity.poolSize} · database ${kind === 'postgres' ? 'PostgreSQL server' : 'PGlite (on disk)'} · LOG_LEVEL ${LOG_LEVEL} · whole run ${f(total)} s`,
    '',
    `Raw bcrypt capacity at cost ${COST} at the start: **${f(capacity.hashPerSecond, 2)} hash/s**, **${f(capacity.comparePerSecond, 2)} compare/s** (${capacity.poolSize} threads in parallel, nothing else of ours running); measured again around each bcrypt-bound scenario (notes below).`,
    '',
    '| scenario | connections | duration | requests | req/s | steady req/s | p50 ms | p99 ms | errors | peak RSS MiB | req/s ÷ bcrypt |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.connections} | ${f(r.duration)} s | ${r.completed} | ${f(r.rps, r.rps < 100 ? 2 : 0)} | ${r.steady ? f(r.steady, 2) : ''} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${f(r.peakRssMiB)} | ${r.bcrypt ? `**${f((r.steady ?? r.rps) / r.bcrypt, 2)}** (${f(r.rps / r.bcrypt, 2)} over the whole run)` : ''} |`,
    ),
    '',
    `Mail outbox under the sendEmail load: ${outbox.queued} messages queued; ${outbox.deliveredDuringLoad} were delivered while the load ran, the last ${f(outbox.drainAfterLoadSeconds, 1)} s after it ended; ${f(outbox.perSecond)} messages/s from the first request to the last delivery.`,
    '',
    ...rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}.`),
    ...rows.flatMap((r) => Object.entries(r.samples).map(([k, body]) => `- ${r.name}: unexpected \`${k}\`, e.g. \`${body.replace(/`/g, "'")}\``)),
  ];
  return lines.join('\n');
}

const START = '<!-- bench:start (written by `npm run bench`) -->';
const END = '<!-- bench:end -->';

/** Replaces the generated block of BENCHMARKS.md, keeping everything around it. */
function writeReport(path, report) {
  const block = `${START}\n${report}\n${END}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + END.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
