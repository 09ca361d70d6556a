// The database's own limit for a reset request: the statements one sendEmail request issues
// (captured from a service instance, never a hand-copied list) replayed with `pg` from this bare
// process, at the same concurrency and through a pool of the same size as the service's.
// Used by bench/run.mjs on PostgreSQL; the service is stopped while the baseline runs.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort } from './lib/local.mjs';
import { Service, ROOT } from './lib/service.mjs';

/**
 * Statements of the delivery workers, the health check and the metrics, not of the request
 * (matched with identifier quotes taken out: the query builder quotes them). A request only
 * ever inserts into the mail outbox; every other statement on it is the worker's.
 */
const NOT_THE_REQUEST = [/^\s*LISTEN\b/i, /^\s*SELECT 1\b/i, /^(?!\s*INSERT INTO mail_outbox\b)[\s\S]*\bmail_outbox\b/i, /dev_mailbox/];
const isTheRequest = (text) => !NOT_THE_REQUEST.some((re) => re.test(text.replace(/"/g, '')));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The account's id, username and primary email. */
async function accountRow(client, username) {
  const { rows } = await client.query(
    `SELECT u.id, u.username, e.email FROM users u JOIN user_emails e ON e.user_id = u.id WHERE u.username = $1`,
    [username],
  );
  return rows[0];
}

/**
 * Starts a second instance of the service with bench/lib/capture-statements.mjs preloaded, runs
 * `warmup(url)`, then `request(url)` (one request of the path to capture), and returns the
 * statements that request issued, in order.
 */
export async function captureStatements({ env, warmup, request }) {
  const file = join(os.tmpdir(), `reset-bench-capture-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  const preload = pathToFileURL(join(ROOT, 'bench', 'lib', 'capture-statements.mjs')).href;
  const service = new Service({ ...env, PORT: String(await freePort()), BENCH_CAPTURE_FILE: file }, ['--import', preload]);
  try {
    await service.start();
    await warmup(service.url);
    await sleep(1000); // its mail delivered, the worker idle
    const from = readFileSync(file, 'utf8').length;
    const before = Date.now();
    await request(service.url);
    const after = Date.now();
    await sleep(300);
    return readFileSync(file, 'utf8')
      .slice(from)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((s) => s.at >= before && s.at <= after + 1 && isTheRequest(s.text))
      .map(({ text, values, pipelined }) => ({ text, values, pipelined }));
  } finally {
    await service.stop();
    rmSync(file, { force: true });
  }
}

/**
 * The statements of one sendEmail request for `username` (after one for `warmup`), captured
 * from a second instance of the service, and that account.
 */
export async function captureResetRequest({ env, databaseUrl, username, warmup, path = '/api/auth/forgotPassword/sendEmail' }) {
  const post = async (url, name) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name }) });
    if (res.status !== 200) throw new Error(`capture: the request for ${name} answered ${res.status}`);
  };
  const statements = await captureStatements({ env, warmup: (url) => post(url, warmup), request: (url) => post(url, username) });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return { statements, account: await accountRow(client, username) };
  } finally {
    await client.end();
  }
}

/**
 * The keys the service's budgets are named by (`name:<key>`, `mailbox:<key>`: keyed hashes of the
 * account's names, see src/reset/identifiers.ts), computed with the service's own code and
 * RESET_SECRET, so that a replay for another account takes that account's locks, not the
 * captured account's.
 */
async function identifierKeys(resetSecret) {
  const { IdentifierKeys } = await import(pathToFileURL(join(ROOT, 'dist', 'reset', 'identifiers.js')).href);
  const keys = new IdentifierKeys(resetSecret);
  return (account) => ({ ...account, keys: [account.username, account.email].map((name) => keys.of(name)) });
}

/** The captured parameters for another account: its id, username, email and their keys (also within a value); fresh secrets, ids and times. */
function substitute(values, from, to) {
  const map = (v) => {
    if (v && typeof v === 'object' && '$buffer' in v) return randomBytes(v.$buffer);
    if (v && typeof v === 'object' && '$date' in v) return new Date();
    if (Array.isArray(v)) return v.map(map);
    if (typeof v !== 'string') return v;
    // Also inside composed values (a lock key or throttle subject naming the account).
    let swapped = v.split(from.email).join(to.email).split(from.username).join(to.username).split(from.id).join(to.id);
    from.keys.forEach((key, i) => (swapped = swapped.split(key).join(to.keys[i])));
    if (swapped !== v) return swapped;
    return UUID.test(v) ? randomUUID() : v;
  };
  return values.map(map);
}

/**
 * Replays the captured request for account after account (`usernames`, round robin) from
 * `connections` concurrent loops through a pg.Pool of `poolSize`, for `seconds`. Also returns
 * how many round trips one replayed request takes.
 */
export async function runBaseline({ databaseUrl, resetSecret, statements, account, usernames, connections, seconds, poolSize = 10 }) {
  const withKeys = await identifierKeys(resetSecret);
  // Pipelined as the service's pool is: the statements the service issued together go together.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, pipeline: true });
  const rounds = roundTrips(statements);
  try {
    const accounts = [];
    const c = await pool.connect();
    try {
      const { rows } = await c.query(
        `SELECT u.id, u.username, e.email FROM users u JOIN user_emails e ON e.user_id = u.id WHERE u.username = ANY($1)`,
        [usernames],
      );
      accounts.push(...rows.map(withKeys));
    } finally {
      c.release();
    }
    const from = withKeys(account);
    let next = 0;
    const result = await replay(pool, connections, seconds, async (client) => {
      const to = accounts[next++ % accounts.length];
      for (const round of rounds) await Promise.all(round.map((s) => client.query(s.text, substitute(s.values, from, to))));
    });
    return { ...result, roundTrips: rounds.length };
  } finally {
    await pool.end();
  }
}

/** The captured statements in the round trips the service sent them in: a pipelined one joins the round before. */
function roundTrips(statements) {
  const rounds = [];
  for (const s of statements) {
    if (s.pipelined && rounds.length) rounds.at(-1).push(s);
    else rounds.push([s]);
  }
  return rounds;
}

/**
 * `loops` concurrent loops for `seconds`, each running `transaction(client, loop)` on a client
 * from `pool` again and again (a failure is rolled back and counted). Transactions per second.
 */
export async function replay(pool, loops, seconds, transaction) {
  let completed = 0;
  let errors = 0;
  let firstError;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      while (performance.now() < deadline) {
        const client = await pool.connect();
        try {
          await transaction(client, loop);
          completed += 1;
        } catch (err) {
          errors += 1;
          firstError ??= err.message;
          await client.query('ROLLBACK').catch(() => {});
        } finally {
          client.release();
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: completed / elapsed, completed, errors, firstError };
}
