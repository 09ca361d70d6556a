// Token rows of `npm run bench` (bench/run.mjs calls measureTokens), also runnable alone:
// `npm run bench:tokens` (after `npm run build`) starts the built service on DATABASE_URL (a
// fresh database on that server) or on-disk PGlite, runs only these rows, prints them and, with
// `--write`, puts them in BENCHMARKS.md.
//
// - POST /auth/refresh: `connections` concurrent clients for `duration` s; every request presents
//   an unused refresh token (a pool of sessions from real logins, each answer's new token goes
//   back into the pool), so each one takes the rotation path. Compared with GET /health/live at
//   the same concurrency right after, and on PostgreSQL with the refresh transaction's own
//   statements (captured from the service) replayed with pg (bench/refresh-baseline.mjs).
// - POST /oauth/token (client_credentials, HTTP Basic) and POST /oauth/introspect (a user's
//   access token from the refreshes, the client authenticated by HTTP Basic), for a service
//   client made with the CLI (`clients:create`); both compared with GET /health/live at the same
//   concurrency, measured right after them.
// - JWKS verification: the access tokens the refreshes answered, verified in a process of its
//   own (bench/jwks-verify.mjs) through jose's createRemoteJWKSet on the service's key set, and
//   with the same key imported locally in that process (the machine's limit).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import bcrypt from 'bcrypt';
import { freePort } from './lib/local.mjs';
import { writeReport } from './lib/report.mjs';
import { bodyOf, scenario, statusIs } from './lib/scenario.mjs';
import { imageNodeOptions, MAIN_JS, openDatabase, ROOT, Service } from './lib/service.mjs';
import { SmtpSink } from './lib/smtp-sink.mjs';
import { captureRefresh, runRefreshBaseline } from './refresh-baseline.mjs';

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const JWKS_TOKENS = 1000;
export const REFRESH_TARGET = 800;

async function login(url, username, password) {
  const res = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login of ${username}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A service client with `scopes`, made as an operator makes one: `node dist/cli.js clients:create --json`. */
function createClient(env, scopes) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'clients:create', '--name', 'bench', '--scopes', scopes.join(','), '--json'], { cwd: ROOT, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`clients:create: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

function verifyInOwnProcess(jwksUrl, tokens, seconds, concurrency) {
  const file = join(os.tmpdir(), `reset-bench-tokens-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(tokens));
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'jwks-verify.mjs'), jwksUrl, file, String(seconds), String(concurrency)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      rmSync(file, { force: true });
      if (code === 0) res(JSON.parse(out));
      else rej(new Error(`jwks-verify exited ${code}`));
    });
  });
}

/**
 * The token rows against a running `service` on `db` (see the file). `accounts`: [username,
 * password] pairs to log in with (one session each, used round robin). `serviceEnv` starts the
 * capture instance on PostgreSQL; the service is stopped while the pg replay runs, then started again.
 */
export async function measureTokens({ service, db, serviceEnv, accounts, connections = 16, duration = 10, sessions = 2 * connections, verifySeconds = 5 }) {
  const pool = [];
  const loggedIn = await Promise.all(Array.from({ length: sessions }, (_, k) => login(service.url, ...accounts[k % accounts.length])));
  for (const pair of loggedIn) pool.push(pair.refresh_token);
  const accessTokens = [];
  const refresh = await scenario(service, {
    name: 'POST /auth/refresh',
    connections,
    duration,
    // An unused token each time; a pool that ran dry sends one that cannot be ours (counted as an error).
    next: () => ({ path: '/auth/refresh', body: { refresh_token: pool.shift() ?? 'pool-ran-dry' } }),
    classify: (status, body) => {
      if (status !== 200) return `http_${status}${bodyOf(body).error_code ? ` ${bodyOf(body).error_code}` : ''}`;
      const pair = bodyOf(body);
      pool.push(pair.refresh_token);
      if (accessTokens.length < JWKS_TOKENS) accessTokens.push(pair.access_token);
      return 'ok';
    },
  });
  // PGlite in DATA_DIR is one process's: the CLI runs while the service is stopped.
  if (db.needsRestartToSeed) await service.stop();
  const client = await createClient(serviceEnv, ['tokens:introspect']);
  if (db.needsRestartToSeed) await service.start();
  const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  const serviceToken = await scenario(service, {
    name: 'POST /oauth/token (client_credentials)',
    connections,
    duration,
    next: () => ({ path: '/oauth/token', form: { grant_type: 'client_credentials' }, headers: { authorization: basic } }),
    classify: (status, body) => (status === 200 && bodyOf(body).access_token ? 'ok' : `http_${status}`),
  });
  let k = 0;
  const introspect = await scenario(service, {
    name: 'POST /oauth/introspect (a user’s access token)',
    connections,
    duration,
    next: () => ({ path: '/oauth/introspect', form: { token: accessTokens[k++ % accessTokens.length] }, headers: { authorization: basic } }),
    classify: (status, body) => (status !== 200 ? `http_${status}` : bodyOf(body).active === true ? 'ok' : 'inactive'),
  });
  const live = await scenario(service, {
    name: `GET /health/live (${connections} connections, the limit of the token routes)`,
    method: 'GET',
    connections,
    duration: Math.max(2, Math.round(duration / 2)),
    next: () => ({ path: '/health/live' }),
    classify: statusIs(200),
  });
  const jwks = await verifyInOwnProcess(`${service.url}/.well-known/jwks.json`, accessTokens, verifySeconds, connections);
  log(`JWKS verification (${jwks.alg}, ${jwks.tokens} service-issued tokens, ${connections} loops): remote key set ${jwks.remote.toFixed(0)} tokens/s, local key ${jwks.local.toFixed(0)} tokens/s (${(jwks.remote / jwks.local).toFixed(2)})`);

  let baseline;
  if (db.kind === 'postgres') {
    await service.stop();
    const captured = await captureRefresh({ env: serviceEnv, account: accounts[0] });
    baseline = await runRefreshBaseline({ databaseUrl: db.url, ...captured, connections, seconds: duration });
    log(`refresh baseline (${captured.statements.length} statements with pg): ${baseline.perSecond.toFixed(0)} transactions/s, ${baseline.errors} errors${baseline.firstError ? ` (${baseline.firstError})` : ''}`);
    await service.start();
  }
  return { refresh, serviceToken, introspect, live, jwks, baseline };
}

/** Table rows (the scenario table's columns) and ratio rows for the token measurements. */
export function tokenReport({ refresh, serviceToken, introspect, live, jwks, baseline }, f) {
  const scenarioRow = (r) => `| ${r.name} | ${r.connections} | ${f(r.duration)} s | ${r.completed} | ${f(r.rps)} |  | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${f(r.peakRssMiB)} |  |`;
  return {
    rows: [scenarioRow(refresh), scenarioRow(serviceToken), scenarioRow(introspect), scenarioRow(live)],
    ratios: [
      `| POST /auth/refresh req/s | **${f(refresh.rps)}** | ≥ ${REFRESH_TARGET} |`,
      `| POST /auth/refresh ÷ GET /health/live, ${refresh.connections} connections each | **${f(refresh.rps / live.rps, 2)}** (${f(refresh.rps)} vs ${f(live.rps)} req/s) |  |`,
      baseline
        ? `| POST /auth/refresh ÷ the same ${baseline.statements.length === 1 ? 'statement' : `${baseline.statements.length} statements`} with pg, ${refresh.connections} concurrent | **${f(refresh.rps / baseline.perSecond, 2)}** (baseline ${f(baseline.perSecond)} transactions/s, ${baseline.errors} errors) |  |`
        : `| POST /auth/refresh ÷ the same statements with pg | PostgreSQL only |  |`,
      `| POST /oauth/token (client_credentials) ÷ GET /health/live, ${serviceToken.connections} connections each | **${f(serviceToken.rps / live.rps, 2)}** (${f(serviceToken.rps)} vs ${f(live.rps)} req/s) |  |`,
      `| POST /oauth/introspect ÷ GET /health/live, ${introspect.connections} connections each | **${f(introspect.rps / live.rps, 2)}** (${f(introspect.rps)} vs ${f(live.rps)} req/s) |  |`,
      `| JWKS: createRemoteJWKSet + jwtVerify ÷ jwtVerify with the key in the process (${jwks.alg}, ${jwks.concurrency} loops, own process) | **${f(jwks.remote / jwks.local, 2)}** (${f(jwks.remote)} vs ${f(jwks.local)} tokens/s) |  |`,
    ],
    notes: baseline ? [`- refresh baseline statements (captured from the service): ${baseline.statements.map((t) => `\`${t.length > 90 ? `${t.slice(0, 87)}…` : t}\``).join('; ')}.`] : [],
  };
}

async function main() {
  if (!existsSync(MAIN_JS)) throw new Error('dist/main.js is missing: run `npm run build` first.');
  const started = performance.now();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'reset-bench-tokens-'));
  const sink = await new SmtpSink().start();
  const db = await openDatabase(dataDir);
  const nodeOptions = process.env.BENCH_NODE_OPTIONS ?? imageNodeOptions();
  const serviceEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    NODE_ENV: 'development',
    METRICS_PORT: '0',
    DATA_DIR: dataDir,
    ...db.env,
    SMTP_URL: sink.url,
    BCRYPT_COST: '4',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    RESET_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_PER_MINUTE: '0',
    LOGIN_MAX_FAILURES: '10000',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
  };
  const service = new Service({ ...serviceEnv, PORT: String(await freePort()) });
  const password = 'BenchPassword123!';
  let result;
  try {
    await service.start();
    if (db.needsRestartToSeed) await service.stop();
    await db.seed([[`INSERT INTO users (username, password_hash) SELECT 'bench.login.' || g, $1 FROM generate_series(1, 50) g`, [await bcrypt.hash(password, 4)]]]);
    if (db.needsRestartToSeed) await service.start();
    const scale = Number(process.env.BENCH_SECONDS || 1);
    result = await measureTokens({
      service,
      db,
      serviceEnv,
      accounts: Array.from({ length: 50 }, (_, k) => [`bench.login.${k + 1}`, password]),
      duration: Math.max(2, Math.round(10 * scale)),
      verifySeconds: Math.max(2, Math.round(5 * scale)),
    });
  } finally {
    await service.stop();
    await sink.stop();
    await db.drop().catch((err) => log(`could not drop the benchmark database: ${err.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');
  const t = tokenReport(result, f);
  const report = [
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${os.availableParallelism()} cores (${os.cpus()[0]?.model?.trim() ?? 'unknown CPU'}) · load average ${os.loadavg()[0].toFixed(1)} at the end · Node ${process.version} · ` +
      `database ${db.kind === 'postgres' ? 'PostgreSQL server' : 'PGlite (on disk)'} · NODE_OPTIONS \`${nodeOptions}\` · whole run ${f((performance.now() - started) / 1000)} s`,
    '',
    '| scenario | connections | duration | requests | req/s | steady req/s | p50 ms | p99 ms | errors | peak RSS MiB | |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...t.rows,
    '',
    '| ratio | measured | target |',
    '| --- | ---: | ---: |',
    ...t.ratios,
    '',
    ...t.notes,
  ].join('\n');
  console.log(report);
  if (process.argv.includes('--write')) writeReport(process.env.BENCH_OUTPUT || join(ROOT, 'BENCHMARKS.md'), `tokens ${db.kind}`, report);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
