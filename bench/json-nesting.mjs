// `node bench/json-nesting.mjs`: does a flood of deeply nested JSON bodies stall the service?
// (Run `npm run build` first.)
//
// The built service (dist/main.js) runs as a child process on in-memory PGlite (or a fresh
// database on the PostgreSQL server named by DATABASE_URL, dropped afterwards). A probe sends
// `GET /health/live` one request at a time, first on an idle service (the machine's own floor,
// measured in the same run), then while BENCH_ATTACKERS (default 30) connections each keep
// posting a 16 KB body of nested brackets (`{"username":[[[…]]]}`, 8,000 levels) to a JSON
// route for BENCH_SECONDS (default 5), and then, as the reference for what any flood of this
// size costs on this machine, while as many connections post flat 16 KB bodies (one long string
// field, refused by validation). It reports the probe's median and p99 in each phase, their
// ratios, the target (p99 under 50 ms during the nested flood), and the flood requests' statuses
// and latency (target: a 400 in under 5 ms of service time each).
//
// This is a measurement, not a test: it exits 0 whatever the numbers are. BENCH_OUTPUT=path
// also writes the report there as Markdown.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { freePort, withClient } from './lib/local.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN_JS = join(ROOT, 'dist', 'main.js');
const ATTACKERS = Number(process.env.BENCH_ATTACKERS || 30);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const DEPTH = 8000;
const PROBE_TARGET_MS = 50;
const NESTED_TARGET_MS = 5;

const log = (...args) => console.error(`[json-nesting ${new Date().toISOString().slice(11, 19)}]`, ...args);

if (!existsSync(MAIN_JS)) {
  console.error('dist/main.js is missing: run `npm run build` first.');
  process.exit(1);
}

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
};

/** One request on a keep-alive agent; resolves with status and milliseconds. */
function send(agent, port, method, path, body) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolvePromise({ status: res.statusCode, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Probes /health/live back to back until `until()` says stop. */
async function probe(port, until) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  while (!until()) {
    samples.push((await send(agent, port, 'GET', '/health/live')).ms);
    await new Promise((r) => setTimeout(r, 2));
  }
  agent.destroy();
  return samples;
}

async function main() {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-nesting-'));
  const server = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
  const dbName = `reset_bench_nesting_${Date.now()}_${randomBytes(3).toString('hex')}`;
  let databaseUrl = 'memory://';
  if (server) {
    await withClient(server, (c) => c.query(`CREATE DATABASE ${dbName}`));
    const url = new URL(server);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
  }
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: '0',
      BCRYPT_COST: '4',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL || 'fatal',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('the service did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const nested = `{"username":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)},"password":"x"}`;

    log('warm-up');
    const warm = Date.now() + 1000;
    await probe(port, () => Date.now() > warm);
    log(`idle: probing /health/live for ${SECONDS} s`);
    const idleEnd = Date.now() + SECONDS * 1000;
    const idle = summary(await probe(port, () => Date.now() > idleEnd));

    const flat = JSON.stringify({ username: 'a'.repeat(nested.length - 40), password: 'x' });

    /** ATTACKERS connections posting `body` for SECONDS while the probe runs. */
    async function flood(body) {
      let stop = false;
      const statuses = new Map();
      const ms = [];
      const attackers = Array.from({ length: ATTACKERS }, async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        while (!stop) {
          const r = await send(agent, port, 'POST', '/auth/login', body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          ms.push(r.ms);
        }
        agent.destroy();
      });
      const end = Date.now() + SECONDS * 1000;
      const probed = summary(await probe(port, () => Date.now() > end));
      stop = true;
      await Promise.all(attackers);
      return { probe: probed, requests: summary(ms), statuses };
    }
    log(`flood: ${ATTACKERS} connections posting ${nested.length}-byte nested bodies for ${SECONDS} s`);
    const deep = await flood(nested);
    log(`reference flood: ${ATTACKERS} connections posting ${flat.length}-byte flat bodies for ${SECONDS} s`);
    const reference = await flood(flat);
    const n = deep.requests;

    const f = (x) => x.toFixed(1);
    const lines = [
      `JSON nesting flood, ${ATTACKERS} connections × ${SECONDS} s, ${nested.length}-byte bodies of depth ${DEPTH}, ${os.cpus().length} cores, ${server ? 'PostgreSQL' : 'PGlite'}`,
      '',
      '| measurement | n | median ms | p99 ms | max ms |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| /health/live, idle | ${idle.n} | ${f(idle.median)} | ${f(idle.p99)} | ${f(idle.max)} |`,
      `| /health/live, during the nested flood | ${deep.probe.n} | ${f(deep.probe.median)} | ${f(deep.probe.p99)} | ${f(deep.probe.max)} |`,
      `| /health/live, during the flat flood | ${reference.probe.n} | ${f(reference.probe.median)} | ${f(reference.probe.p99)} | ${f(reference.probe.max)} |`,
      `| nested POST /auth/login (${[...deep.statuses].map(([s, c]) => `${s}×${c}`).join(' ')}) | ${n.n} | ${f(n.median)} | ${f(n.p99)} | ${f(n.max)} |`,
      `| flat POST /auth/login (${[...reference.statuses].map(([s, c]) => `${s}×${c}`).join(' ')}) | ${reference.requests.n} | ${f(reference.requests.median)} | ${f(reference.requests.p99)} | ${f(reference.requests.max)} |`,
      '',
      `probe p99 during the nested flood: ${f(deep.probe.p99)} ms, target under ${PROBE_TARGET_MS} ms (${deep.probe.p99 < PROBE_TARGET_MS ? 'met' : 'missed'}); ÷ idle p99 ${(deep.probe.p99 / idle.p99).toFixed(2)}; ÷ p99 during the flat flood ${(deep.probe.p99 / reference.probe.p99).toFixed(2)}`,
      `nested requests: ${(n.n / SECONDS).toFixed(0)}/s answered (${(n.n / reference.requests.n).toFixed(2)} of the flat flood's rate); median ${f(n.median)} ms with ${ATTACKERS} in flight (≈ ${f(n.median / ATTACKERS)} ms of service time each; target under ${NESTED_TARGET_MS} ms)`,
      `load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    ];
    console.log(lines.join('\n'));
    if (process.env.BENCH_OUTPUT && process.env.BENCH_OUTPUT !== '-') writeFileSync(process.env.BENCH_OUTPUT, `${lines.join('\n')}\n`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    if (server) await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
