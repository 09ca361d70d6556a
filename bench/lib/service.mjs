// The built service (dist/main.js) as a child process, and the database it runs on; shared by
// the benchmark scripts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient } from './local.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The NODE_OPTIONS the image runs the service with (the Dockerfile's ENV), so the benchmark
 * measures memory and speed as deployed.
 */
export function imageNodeOptions() {
  try {
    return /NODE_OPTIONS="([^"]*)"/.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

/**
 * A fresh database on the PostgreSQL server named by DATABASE_URL (dropped afterwards), or
 * on-disk PGlite in `dataDir` (which lives inside the service process: seed it while the service
 * is stopped).
 */
export async function openDatabase(dataDir) {
  const server = process.env.DATABASE_URL;
  if (server?.startsWith('postgres')) {
    const name = `reset_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
    await withClient(server, (c) => c.query(`CREATE DATABASE ${name}`));
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      kind: 'postgres',
      url: url.toString(),
      env: { DATABASE_URL: url.toString() },
      seed: (statements) =>
        withClient(url.toString(), async (c) => {
          for (const [sql, params] of statements) await c.query(sql, params);
        }),
      drop: () => withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    };
  }
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

export class Service {
  /**
   * `nodeArgs`: extra arguments for node before dist/main.js (e.g. a preload), after those of
   * BENCH_NODE_ARGS (space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, which
   * NODE_OPTIONS does not take). `logFile`: where the service's log lines go (appended to across
   * restarts; read by logProblems), instead of nowhere.
   */
  constructor(env, nodeArgs = [], { logFile } = {}) {
    this.env = env;
    this.logFile = logFile;
    this.nodeArgs = [...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), ...nodeArgs];
    this.port = Number(env.PORT);
    this.url = `http://127.0.0.1:${this.port}`;
    this.stderr = '';
  }

  async start() {
    const out = this.logFile ? openSync(this.logFile, 'a') : 'ignore';
    this.child = spawn(process.execPath, [...this.nodeArgs, MAIN_JS], { cwd: ROOT, env: this.env, stdio: ['ignore', out, 'pipe'] });
    if (typeof out === 'number') closeSync(out); // the child has its own copy
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

  /**
   * The log lines at warn level or above in `logFile` (JSON lines): how many of each level, and
   * the distinct messages, most frequent first, with their counts. A retried delivery or a
   * failed statement during a scenario shows here, where the figures alone would not say why.
   */
  logProblems() {
    const counts = { warn: 0, error: 0 };
    const messages = new Map();
    if (!this.logFile || !existsSync(this.logFile)) return { ...counts, messages: [] };
    for (const line of readFileSync(this.logFile, 'utf8').split('\n')) {
      if (!/"level":(?:[4-6]\d)/.test(line)) continue;
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      counts[entry.level >= 50 ? 'error' : 'warn'] += 1;
      // Ids and numbers vary from line to line; the kind of problem does not.
      const text = String(entry.msg ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+/g, '#').slice(0, 160);
      messages.set(text, (messages.get(text) ?? 0) + 1);
    }
    return { ...counts, messages: [...messages].sort((a, b) => b[1] - a[1]) };
  }

  /** The resident set of the service process, in MiB (0 when it is not running). */
  rssMiB() {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }

  /** Samples the resident set every 100 ms until the returned function is called; that returns the peak (MiB). */
  watchRss() {
    let peak = this.rssMiB();
    const timer = setInterval(() => (peak = Math.max(peak, this.rssMiB())), 100);
    return () => {
      clearInterval(timer);
      return Math.max(peak, this.rssMiB());
    };
  }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
