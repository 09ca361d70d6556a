// `npm run bench`: throughput of the built service (dist/main.js; run `npm run build` first)
// against the machine's own limits measured in the same run: raw bcrypt capacity, a bare pooled
// nodemailer loop, and (on PostgreSQL) the reset request's own statements replayed with pg.
// See BENCHMARKS.md for what each scenario measures.
//
// The service runs as a child process, with the image's NODE_OPTIONS (Dockerfile), against
// DATABASE_URL (a fresh database created on that PostgreSQL server and dropped afterwards) or,
// when DATABASE_URL is unset, on-disk PGlite in a temporary DATA_DIR; mail goes to an SMTP sink
// in this process. Per-IP limits are off and the per-account send limit is high, so every
// request takes the path being measured.
//
// `--write` replaces this database's and cost's block of results in BENCHMARKS.md (BENCH_OUTPUT
// names another file); without it nothing is written.
// Environment: BCRYPT_COST (default 12, the service default), UV_THREADPOOL_SIZE (passed to the
// service and to the bcrypt measurement alike), BENCH_SECONDS (scales every scenario's duration,
// default 1), BENCH_SOAK_SECONDS (the closing constant-load soak, default 120; 0 leaves it out),
// BENCH_LOG_LEVEL (the service's LOG_LEVEL, default info), BENCH_NODE_OPTIONS (instead of the
// image's NODE_OPTIONS).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import bcrypt from 'bcrypt';
import { freePort, withClient } from './lib/local.mjs';
import { imageNodeOptions, MAIN_JS, openDatabase, percentile, ROOT, Service } from './lib/service.mjs';
import { writeReport } from './lib/report.mjs';
import { SmtpSink } from './lib/smtp-sink.mjs';
import { bodyOf, scenario, statusIs } from './lib/scenario.mjs';
import { captureResetRequest, runBaseline } from './reset-request-baseline.mjs';
import { measureTokens, tokenReport } from './tokens.mjs';

const COST = Number(process.env.BCRYPT_COST || 12);
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE || 4);
const SCALE = Number(process.env.BENCH_SECONDS || 1);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 120);
const WRITE = process.argv.includes('--write');
const OUTPUT = process.env.BENCH_OUTPUT && process.env.BENCH_OUTPUT !== '-' ? process.env.BENCH_OUTPUT : join(ROOT, 'BENCHMARKS.md');
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL || 'info';
const NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions();
const MAIL_CONCURRENCY = 16; // the service's default MAIL_CONCURRENCY
const PASSWORD = 'BenchPassword123!';
const NEW_PASSWORD = 'Bench-NewPassword#2026';
const MAIL_ACCOUNTS = 6000;
const LOGIN_ACCOUNTS = 50;
const DRAIN_MESSAGES = 2000;

const seconds = (s) => Math.max(2, Math.round(s * SCALE));
const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!existsSync(MAIN_JS)) {
  console.error('dist/main.js is missing: run `npm run build` first (the benchmark builds nothing).');
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

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

/**
 * Raw bcrypt capacity with the load generator running as it does during a scenario: autocannon
 * in this process, at the same concurrency, at about the scenario's rate (`rate` requests/s),
 * against a stub HTTP server in this process that answers after connections ÷ rate seconds.
 * The raw figure then pays for the load generator's CPU as the service's figure does.
 */
async function measureBcryptWithLoadGenerator(env, which, secs, rate, connections = 16) {
  const delay = Math.max(1, Math.round((connections / Math.max(rate, 0.1)) * 1000));
  const stub = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"access_token":"x"}'), delay));
  });
  await new Promise((r) => stub.listen(0, '127.0.0.1', r));
  const generator = autocannon({
    url: `http://127.0.0.1:${stub.address().port}/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.login.1', password: PASSWORD }),
    connections,
    duration: secs + 2,
    timeout: 30,
  });
  try {
    await sleep(500);
    return await measureBcrypt(env, which, secs);
  } finally {
    generator.stop();
    await generator;
    stub.closeAllConnections?.();
    await new Promise((r) => stub.close(r));
  }
}

/**
 * A bare pooled nodemailer loop (bench/lib/bare-mailer.mjs, its own process): the same messages
 * to the same sink, MAIL_CONCURRENCY connections and messages in flight. Messages per second
 * from the first acceptance at the sink to the last.
 */
async function bareNodemailerRate(sink, messages) {
  const file = join(os.tmpdir(), `reset-bench-mail-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(messages));
  const before = sink.messages.length;
  try {
    await new Promise((res, rej) => {
      const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'bare-mailer.mjs'), sink.url, String(MAIL_CONCURRENCY), file], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('exit', (code) => (code === 0 ? res() : rej(new Error(`bare mailer exited ${code}`))));
    });
  } finally {
    rmSync(file, { force: true });
  }
  const got = sink.messages.slice(before);
  return (got.length - 1) / ((got.at(-1).at - got[0].at) / 1000);
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
  const resetSecret = randomBytes(32).toString('hex');
  const serviceEnv = {
    ...baseEnv,
    ...(NODE_OPTIONS ? { NODE_OPTIONS } : {}),
    NODE_ENV: 'development',
    METRICS_PORT: '0',
    DATA_DIR: dataDir,
    ...db.env,
    SMTP_URL: sink.url,
    BCRYPT_COST: String(COST),
    LOG_LEVEL: LOG_LEVEL,
    LOG_FORMAT: 'json', // logProblems reads JSON lines
    JWT_SECRET: randomBytes(32).toString('hex'),
    RESET_SECRET: resetSecret,
    RATE_LIMIT_PER_MINUTE: '0',
    RESET_SEND_LIMIT: '10000',
    LOGIN_MAX_FAILURES: '10000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
  };
  const service = new Service({ ...serviceEnv, PORT: String(await freePort()) }, [], { logFile: join(dataDir, 'service.log') });
  const rows = [];
  const memory = {};
  let outbox;
  let drain;
  let baseline;
  let soak;
  let capacity;
  let tokens;
  let stopWholeRunRss = () => 0;
  let problems;
  try {
    log(`database: ${db.kind}; bcrypt cost ${COST}; UV_THREADPOOL_SIZE ${POOL_SIZE}; ${os.availableParallelism()} cores; Node ${process.version}; service NODE_OPTIONS "${NODE_OPTIONS}"`);
    // Raw bcrypt capacity, measured first, with nothing else of ours running.
    capacity = await measureBcrypt(baseEnv);
    log(`raw bcrypt at cost ${COST} with ${capacity.poolSize} threads: ${capacity.hashPerSecond.toFixed(2)} hash/s, ${capacity.comparePerSecond.toFixed(2)} compare/s`);

    await service.start(); // runs the migrations

    // Accounts, inserted directly with one precomputed hash (registering them through the API
    // would cost one bcrypt hash each at the configured cost). The resetPassword scenario needs
    // one fresh code per request.
    const hash = await bcrypt.hash(PASSWORD, COST);
    // Three times what the raw capacity at the start allows: the background load can change.
    const resetAccounts = Math.ceil(capacity.hashPerSecond * seconds(20) * 3) + 64;
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

    // Idle: the resident set 10 s after start-up, nothing running. Peak: over the whole run.
    await sleep(10_000);
    memory.idle = service.rssMiB();
    stopWholeRunRss = service.watchRss();
    log(`idle RSS ${memory.idle.toFixed(0)} MiB`);

    // 1. POST /login: one bcrypt compare per request. The machine's capacity is measured right
    // before and right after, with the load generator running (see measureBcryptWithLoadGenerator).
    let i = 0;
    const compareBefore = (await measureBcryptWithLoadGenerator(baseEnv, 'compare', seconds(5), capacity.comparePerSecond)).comparePerSecond;
    const login = await scenario(service, {
      name: 'POST /login',
      connections: 16,
      duration: seconds(20),
      next: () => ({ path: '/login', body: { username: `bench.login.${(i++ % LOGIN_ACCOUNTS) + 1}`, password: PASSWORD } }),
      classify: statusIs(200),
      warmup: capacity.poolSize,
    });
    const compareAfter = (await measureBcryptWithLoadGenerator(baseEnv, 'compare', seconds(5), login.rps)).comparePerSecond;
    login.bcrypt = (compareBefore + compareAfter) / 2;
    login.note = `raw compare capacity with the load generator running ${compareBefore.toFixed(2)}/s just before, ${compareAfter.toFixed(2)}/s just after; the ratio uses their mean`;
    rows.push(login);

    // 2. username-code sendEmail: a request row, the throttle, one queued email, delivered while the
    // load runs. Each answer's time is kept, to measure the time from the 200 to SMTP acceptance.
    i = 0;
    const requested = new Set();
    const answeredAt = new Map(); // recipient -> answer times, oldest first
    const mailsBefore = sink.messages.length;
    let sendEnd = 0;
    const send = await scenario(service, {
      name: 'username-code sendEmail',
      connections: 16,
      duration: seconds(10),
      next: () => {
        const n = (i++ % MAIL_ACCOUNTS) + 1;
        return { path: '/api/auth/forgotPassword/sendEmail', body: { username: `bench.mail.${n}` }, tag: n };
      },
      classify: (status, _body, n) => {
        if (status !== 200) return `http_${status}`;
        requested.add(n);
        const to = `bench.mail.${n}@bench.test`;
        if (!answeredAt.has(to)) answeredAt.set(to, []);
        answeredAt.get(to).push((sendEnd = performance.now()));
        return 'ok';
      },
    });
    rows.push(send);
    const queued = send.outcomes.ok ?? 0;
    const lastAt = await sink.waitForCount(mailsBefore + queued, 180_000);
    const delivered = sink.messages.slice(mailsBefore, mailsBefore + queued);
    const latencies = [];
    for (const m of delivered) {
      const answered = answeredAt.get(m.to[0])?.shift();
      if (answered !== undefined) latencies.push(m.at - answered);
    }
    outbox = {
      queued,
      deliveredDuringLoad: delivered.filter((m) => m.at <= sendEnd).length,
      drainAfterLoadSeconds: Math.max(0, (lastAt - sendEnd) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    };
    log(`outbox: ${queued} queued, ${outbox.deliveredDuringLoad} (${((100 * outbox.deliveredDuringLoad) / queued).toFixed(0)} %) accepted by the sink before the load ended, the last ${outbox.drainAfterLoadSeconds.toFixed(1)} s after it; 200 → SMTP acceptance p50 ${outbox.p50.toFixed(0)} ms, p99 ${outbox.p99.toFixed(0)} ms`);

    // 3. username-code checkCode with a wrong code: HMAC + one conditional UPDATE. Spread over every
    // account that has a live request, so the 12-try cap is reached as late as possible.
    const live = [...requested];
    i = 0;
    const check = await scenario(service, {
      name: 'username-code checkCode (wrong code)',
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

    // 4. The database's limit for sendEmail (PostgreSQL): the statements one request issues,
    // captured from the service, replayed with pg from this process with the service stopped.
    if (db.kind === 'postgres') {
      await service.stop();
      const captured = await captureResetRequest({
        env: serviceEnv,
        databaseUrl: db.url,
        username: `bench.mail.${MAIL_ACCOUNTS}`,
        warmup: `bench.mail.${MAIL_ACCOUNTS - 1}`,
      });
      const lastOutboxId = await withClient(db.url, async (c) => (await c.query(`SELECT coalesce(max(id), 0) AS id FROM mail_outbox`)).rows[0].id);
      const result = await runBaseline({
        databaseUrl: db.url,
        resetSecret,
        statements: captured.statements,
        account: captured.account,
        usernames: Array.from({ length: MAIL_ACCOUNTS - 2 }, (_, k) => `bench.mail.${k + 1}`),
        connections: 16,
        seconds: seconds(10),
      });
      // The replayed rows carry no real message: take them out before the service is back.
      await withClient(db.url, (c) => c.query(`DELETE FROM mail_outbox WHERE id > $1`, [lastOutboxId]));
      baseline = { ...result, statements: captured.statements.map((s) => s.text.replace(/\s+/g, ' ').trim()) };
      log(`sendEmail baseline (${baseline.statements.length} statements in ${baseline.roundTrips} round trips with pg): ${result.perSecond.toFixed(0)} transactions/s, ${result.errors} errors${result.firstError ? ` (${result.firstError})` : ''}`);
      log(`sendEmail baseline statements: ${baseline.statements.map((t) => t.slice(0, 70)).join(' | ')}`);
      await service.start();
    }

    // 5. username-code resetPassword with fresh valid codes, issued beforehand and read from the sink.
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
    const hashBefore = (await measureBcryptWithLoadGenerator(baseEnv, 'hash', seconds(5), capacity.hashPerSecond)).hashPerSecond;
    const reset = await scenario(service, {
      name: 'username-code resetPassword (valid code)',
      connections: 16,
      duration: resetDuration,
      next: () => {
        const [username, code] = codes[i++ % codes.length];
        return { path: '/api/auth/forgotPassword/resetPassword', body: { username, code, new_password: NEW_PASSWORD } };
      },
      classify: statusIs(200),
      warmup: capacity.poolSize,
    });
    const hashAfter = (await measureBcryptWithLoadGenerator(baseEnv, 'hash', seconds(5), reset.rps)).hashPerSecond;
    reset.bcrypt = (hashBefore + hashAfter) / 2;
    reset.note = `raw hash capacity with the load generator running ${hashBefore.toFixed(2)}/s just before, ${hashAfter.toFixed(2)}/s just after; the ratio uses their mean`;
    if (i > codes.length) reset.note += `; ran out of fresh codes after ${codes.length} requests`;
    rows.push(reset);

    // 6. GET /health/live: the framework's floor.
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

    // 6b. POST /auth/refresh against GET /health/live at the same concurrency and (PostgreSQL)
    // its statements replayed with pg; JWKS verification of the answered access tokens in a
    // process of its own against a local key (bench/tokens.mjs).
    tokens = await measureTokens({
      service,
      db,
      serviceEnv,
      accounts: Array.from({ length: LOGIN_ACCOUNTS }, (_, k) => [`bench.login.${k + 1}`, PASSWORD]),
      duration: seconds(10),
      verifySeconds: seconds(5),
    });

    // 7. Outbox drain: DRAIN_MESSAGES messages queued while the service is stopped (sealed as the
    // service seals them), delivered by its worker after start-up; then the same messages sent by a
    // bare pooled nodemailer loop to the same sink. Rates from the first acceptance to the last.
    {
      const { OutboxCrypto } = await import(pathToFileURL(join(ROOT, 'dist', 'mail', 'outbox-crypto.js')).href);
      // The messages the bare loop sends, rendered by the service's own Presentation and configuration.
      const dist = (...path) => import(pathToFileURL(join(ROOT, 'dist', ...path)).href);
      const { parseEnv } = await dist('config', 'env.js');
      const { AppConfig } = await dist('config', 'app-config.js');
      const { Presentation } = await dist('presentation', 'presentation.js');
      const presentation = new Presentation(new AppConfig(parseEnv(serviceEnv)));
      const crypto = new OutboxCrypto(resetSecret);
      const params = (k) => ({ username: `bench.drain.${k}`, changedAt: '2026-01-01 00:00' });
      const recipients = Array.from({ length: DRAIN_MESSAGES }, (_, k) => `bench.drain.${k}@bench.test`);
      await service.stop();
      const insert = [
        `INSERT INTO mail_outbox (recipient, template, locale, payload)
           SELECT r, 'password-changed', 'en', p FROM unnest($1::text[], $2::bytea[]) AS t(r, p)`,
        [recipients, recipients.map((_, k) => crypto.seal(params(k)))],
      ];
      if (db.kind === 'postgres') await withClient(db.url, (c) => c.query(...insert));
      else await db.seed([insert]);
      const drainFrom = sink.messages.length;
      await service.start();
      await sink.waitForCount(drainFrom + DRAIN_MESSAGES, 180_000).catch(async (err) => {
        // What the outbox holds, to tell a stalled worker from failing deliveries.
        const outboxState = `SELECT status, attempts, left(coalesce(last_error, ''), 120) AS error, count(*)::int AS n FROM mail_outbox GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`;
        const state = db.kind === 'postgres' ? (await withClient(db.url, (c) => c.query(outboxState))).rows : 'PGlite: read it with the service stopped';
        throw new Error(`${err.message}; outbox: ${JSON.stringify(state)}; service stderr: ${service.stderr.slice(-2000)}`);
      });
      const got = sink.messages.slice(drainFrom, drainFrom + DRAIN_MESSAGES);
      const workerRate = (got.length - 1) / ((got.at(-1).at - got[0].at) / 1000);
      await sleep(1000);
      const from = 'Password Reset <no-reply@localhost>';
      const bareRate = await bareNodemailerRate(
        sink,
        recipients.map((to, k) => {
          const m = presentation.renderMail('password-changed', 'en', params(k));
          return { from, to, subject: m.subject, text: m.text, html: m.html };
        }),
      );
      drain = { messages: DRAIN_MESSAGES, workerRate, bareRate };
      log(`outbox drain: worker ${workerRate.toFixed(0)} messages/s, bare pooled nodemailer ${bareRate.toFixed(0)} messages/s (${(workerRate / bareRate).toFixed(2)})`);
    }

    // 8. Soak: sendEmail at constant concurrency; the resident set after the first 20 s and at the end.
    if (SOAK_SECONDS > 0) {
      i = 0;
      const samples = [];
      const sampler = setInterval(() => samples.push([performance.now(), service.rssMiB()]), 1000);
      const soakStart = performance.now();
      const row = await scenario(service, {
        name: `soak: username-code sendEmail, ${SOAK_SECONDS} s`,
        connections: 8,
        duration: SOAK_SECONDS,
        next: () => ({ path: '/api/auth/forgotPassword/sendEmail', body: { username: `bench.mail.${(i++ % MAIL_ACCOUNTS) + 1}` } }),
        classify: statusIs(200),
      });
      clearInterval(sampler);
      const after20 = samples.find(([t]) => t - soakStart >= 20_000)?.[1];
      const atEnd = samples.at(-1)?.[1];
      soak = { seconds: SOAK_SECONDS, rps: row.rps, after20, atEnd, growth: atEnd / after20 - 1, peak: row.peakRssMiB };
      log(`soak: RSS ${after20?.toFixed(0)} MiB after 20 s, ${atEnd?.toFixed(0)} MiB at the end (${(100 * soak.growth).toFixed(1)} %)`);
    }
  } finally {
    memory.peak = stopWholeRunRss();
    await service.stop();
    problems = service.logProblems();
    await sink.stop();
    await db.drop().catch((err) => log(`could not drop the benchmark database: ${err.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  }

  const report = render({ rows, tokens, outbox, drain, baseline, memory, soak, capacity, problems, kind: db.kind, seconds: (performance.now() - started) / 1000 });
  console.log(report);
  if (WRITE) {
    writeReport(OUTPUT, `${db.kind} cost ${COST}`, report);
    log(`table written to ${OUTPUT}`);
  } else {
    log('BENCHMARKS.md left as it is (npm run bench -- --write rewrites its table)');
  }
}

function render({ rows, tokens, outbox, drain, baseline, memory, soak, capacity, problems, kind, seconds: total }) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const send = rows.find((r) => r.name === 'username-code sendEmail');
  const t = tokens ? tokenReport(tokens, f) : { rows: [], ratios: [], notes: [] };
  const lines = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.availableParallelism()} cores (${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}) · load average ${os.loadavg()[0].toFixed(1)} at the end · Node ${process.version} · ` +
      `BCRYPT_COST ${COST} · UV_THREADPOOL_SIZE ${capacity.poolSize} · database ${kind === 'postgres' ? 'PostgreSQL server' : 'PGlite (on disk)'} · LOG_LEVEL ${LOG_LEVEL} · NODE_OPTIONS \`${NODE_OPTIONS}\` · whole run ${f(total)} s`,
    '',
    `Raw bcrypt capacity at cost ${COST} at the start, nothing else running: ${f(capacity.hashPerSecond, 2)} hash/s, ${f(capacity.comparePerSecond, 2)} compare/s (${capacity.poolSize} threads in parallel); the ratios use the capacity measured around each bcrypt-bound scenario with the load generator running (notes below).`,
    '',
    '| scenario | connections | duration | requests | req/s | steady req/s | p50 ms | p99 ms | errors | peak RSS MiB | req/s ÷ bcrypt |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.connections} | ${f(r.duration)} s | ${r.completed} | ${f(r.rps, r.rps < 100 ? 2 : 0)} | ${r.steady ? f(r.steady, 2) : ''} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${f(r.peakRssMiB)} | ${r.bcrypt ? `**${f((r.steady ?? r.rps) / r.bcrypt, 2)}** (${f(r.rps / r.bcrypt, 2)} over the whole run)` : ''} |`,
    ),
    ...t.rows,
    '',
    '| ratio | measured | target |',
    '| --- | ---: | ---: |',
    ...rows.filter((r) => r.bcrypt).map((r) => `| ${r.name} ÷ raw bcrypt (steady) | **${f((r.steady ?? r.rps) / r.bcrypt, 2)}** | ≥ 0.92 |`),
    `| sendEmail mail accepted by the SMTP sink before the burst ended | **${f((100 * outbox.deliveredDuringLoad) / outbox.queued)} %** (${outbox.deliveredDuringLoad} of ${outbox.queued}) | ≥ 90 % |`,
    `| sendEmail 200 → SMTP acceptance, p99 (p50) | **${f(outbox.p99 / 1000, 2)} s** (${f(outbox.p50 / 1000, 2)} s) | ≤ 2 s |`,
    drain ? `| outbox drain ÷ bare pooled nodemailer loop (${drain.messages} messages) | **${f(drain.workerRate / drain.bareRate, 2)}** (${f(drain.workerRate)} vs ${f(drain.bareRate)} messages/s) | ≥ 0.9 |` : '',
    baseline
      ? `| sendEmail ÷ the same ${baseline.statements.length} statements (${baseline.roundTrips} round trips) with pg, 16 concurrent | **${f(send.rps / baseline.perSecond, 2)}** (baseline ${f(baseline.perSecond)} transactions/s, ${baseline.errors} errors) | ≥ 0.7 |`
      : `| sendEmail ÷ the same statements with pg | PostgreSQL only | ≥ 0.7 |`,
    `| idle RSS (10 s after start-up) | **${f(memory.idle)} MiB** | ≤ 110 MiB |`,
    `| peak RSS, whole run | **${f(memory.peak)} MiB** | ≤ 180 MiB |`,
    ...t.ratios,
    soak ? `| soak: RSS at the end ÷ after 20 s (${soak.seconds} s of sendEmail, 8 connections, ${f(soak.rps)} req/s) | **${f(1 + soak.growth, 3)}** (${f(soak.after20)} → ${f(soak.atEnd)} MiB) | ≤ 1.10 |` : '',
    '',
    `Mail outbox under the sendEmail load: ${outbox.queued} messages queued; ${outbox.deliveredDuringLoad} were accepted by the sink while the load ran, the last ${f(outbox.drainAfterLoadSeconds, 1)} s after it ended.`,
    '',
    ...rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}.`),
    ...(baseline ? [`- sendEmail baseline statements (captured from the service): ${baseline.statements.map((t) => `\`${t.length > 90 ? `${t.slice(0, 87)}…` : t}\``).join('; ')}.`] : []),
    ...t.notes,
    `- The service's log over the run (the main instance, from start-up to the soak): ${problems.warn} warnings, ${problems.error} errors${problems.messages.length ? `: ${problems.messages.slice(0, 3).map(([m, n]) => `${n} × \`${m.replace(/`/g, "'")}\``).join('; ')}` : ''}.`,
    ...[...rows, ...(tokens ? [tokens.refresh, tokens.live] : [])].flatMap((r) => Object.entries(r.samples).map(([k, body]) => `- ${r.name}: unexpected \`${k}\`, e.g. \`${body.replace(/`/g, "'")}\``)),
  ];
  return lines.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
