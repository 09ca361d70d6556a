#!/usr/bin/env node
/**
 * Production smoke test: what the Dockerfile does, without a Docker engine.
 *
 *   node test/prod-smoke.mjs            (after `npm run build`; .ci/run calls it)
 *
 * 1. Copies dist/, package.json and package-lock.json into an empty directory and runs
 *    `npm ci --omit=dev --ignore-scripts` there, as the image's dependency stage does.
 * 2. Starts `node dist/main.js` from that directory with NODE_ENV=production against a fresh
 *    database on the PostgreSQL server (SMOKE_POSTGRES_URL, default the local server), Redis
 *    (SMOKE_REDIS_URL) and a real SMTP server (smtp-server, in this process).
 * 3. Checks /health/ready, that the dev mailbox does not exist, and the JSON request log.
 * 4. Completes one reset through the username-code API, reading the code from the received email.
 * 5. Sends SIGTERM while a request is in flight: readiness turns 503, the request completes,
 *    and the process exits 0 within 10 s.
 *
 * Exits non-zero on the first failed check. When TEST_SUMMARY_FILE is set (.ci/run), adds
 * one passed or failed test to the totals.
 */
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const POSTGRES_URL = process.env.SMOKE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.SMOKE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const EXIT_BUDGET_MS = 10_000;
const PASSWORD = 'Smoke-Password-123!';
const NEW_PASSWORD = 'Smoke-NewPassword-456!';

let checks = 0;
const started = Date.now();
function ok(what) {
  checks += 1;
  console.log(`  ok ${checks} - ${what}`);
}
function fail(what) {
  throw new Error(what);
}
function expect(condition, what, detail = '') {
  if (!condition) fail(`${what}${detail ? `: ${detail}` : ''}`);
  ok(what);
}
const step = (title) => console.log(`\n# ${title} (${((Date.now() - started) / 1000).toFixed(1)}s)`);

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function startSmtp() {
  const messages = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const parsed = await simpleParser(Buffer.concat(chunks));
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: parsed.subject ?? '', text: parsed.text ?? '' });
        callback();
      });
    },
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer({ server, messages, port: server.server.address().port }));
  });
}

async function waitFor(predicate, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function http(base, method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

async function main() {
  const workDir = mkdtempSync(join(tmpdir(), 'prod-smoke-'));
  const dbName = `prod_smoke_${Date.now()}_${randomBytes(3).toString('hex')}`;
  let child;
  let smtp;
  let dbCreated = false;
  try {
    step('package: dist/ + package.json + package-lock.json, npm ci --omit=dev');
    cpSync(join(ROOT, 'dist'), join(workDir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(workDir, 'package.json'));
    cpSync(join(ROOT, 'package-lock.json'), join(workDir, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: workDir,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let devOnly = true;
    try {
      execFileSync(process.execPath, ['-e', "require.resolve('jest')"], { cwd: workDir, stdio: 'ignore' });
    } catch {
      devOnly = false;
    }
    expect(!devOnly, 'development dependencies are not installed');

    step('services: a fresh PostgreSQL database, an SMTP server');
    await withAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
    dbCreated = true;
    const dbUrl = new URL(POSTGRES_URL);
    dbUrl.pathname = `/${dbName}`;
    smtp = await startSmtp();
    ok(`SMTP server on 127.0.0.1:${smtp.port}`);

    step('node dist/cli.js keys:rotate: the signing keys');
    const signingKeys = execFileSync(process.execPath, ['dist/cli.js', 'keys:rotate'], {
      cwd: workDir,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    }).trim();
    step('start node dist/main.js with NODE_ENV=production');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const metricsPort = await freePort();
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: workDir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        DATABASE_URL: dbUrl.toString(),
        REDIS_URL,
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        PUBLIC_URL: 'https://reset.smoke.example',
        JWT_SIGNING_KEYS: signingKeys,
        RESET_SECRET: randomBytes(48).toString('base64'),
        // Slow enough that a registration is still in flight when SIGTERM arrives.
        BCRYPT_COST: '13',
        MAIL_POLL_INTERVAL_MS: '200',
        SHUTDOWN_DELAY_MS: '1000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal, at: Date.now() })));
    let hasExited = false;
    void exited.then(() => (hasExited = true));

    await waitFor(async () => {
      if (hasExited) fail(`the service exited during start-up:\n${stdout}\n${stderr}`);
      try {
        return (await fetch(`${base}/health/ready`)).status === 200;
      } catch {
        return false;
      }
    }, '/health/ready', 60_000);
    const ready = await http(base, 'GET', '/health/ready');
    expect(ready.status === 200 && ready.body?.status === 'ok', 'GET /health/ready answers 200 ok', ready.text);
    expect(ready.headers.get('x-content-type-options') === 'nosniff', 'security headers are set');
    const mailbox = await http(base, 'GET', '/dev/mailbox');
    expect(mailbox.status === 404, 'no dev mailbox in production', String(mailbox.status));
    const metrics = await http(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics');
    expect(metrics.status === 200 && metrics.text.includes('http_request_duration_seconds'), 'GET /metrics serves Prometheus text on METRICS_PORT');
    const publicMetrics = await http(base, 'GET', '/metrics');
    expect(publicMetrics.status === 404, 'no /metrics on the public port', String(publicMetrics.status));

    step('one reset through username-code, the code read from the email');
    const username = `smoke.${Date.now().toString(36)}`;
    const email = `${username}@example.com`;
    const reg = await http(base, 'POST', '/auth/register', { username, email, password: PASSWORD });
    expect(reg.status === 201, 'register an account', reg.text);
    const send = await http(base, 'POST', '/api/auth/forgotPassword/sendEmail', { username }, { 'x-request-id': 'smoke-send' });
    expect(send.status === 200 && send.body?.msg === 'Sent', 'sendEmail answers 200 {"msg":"Sent"}', send.text);
    // Registering also mails a verification of the address: the reset's mails are the others.
    const resetMails = () => smtp.messages.filter((m) => m.to.includes(email) && !m.text.includes('/verify-email'));
    expect((await waitFor(() => smtp.messages.some((m) => m.to.includes(email) && m.text.includes('/verify-email')), 'the verification email')) === true, 'registering mails a verification of the address');
    const [mail] = await waitFor(() => {
      const found = resetMails();
      return found.length ? found : undefined;
    }, 'the reset email');
    ok(`email received: "${mail.subject}"`);
    const code = /^\s*(\d{6})\s*$/m.exec(mail.text)?.[1];
    expect(code !== undefined, 'the email carries a 6-digit code on a line of its own');
    expect(/https:\/\/reset\.smoke\.example\/reset-password\?token=\S+/.test(mail.text), 'the email carries the reset link');
    const check = await http(base, 'POST', '/api/auth/forgotPassword/checkCode', { username, code });
    expect(check.status === 200 && check.body?.success_code === 'code_correct', 'checkCode accepts the code', check.text);
    const reset = await http(base, 'POST', '/api/auth/forgotPassword/resetPassword', { username, code, new_password: NEW_PASSWORD });
    expect(reset.status === 200, 'resetPassword changes the password', reset.text);
    const login = await http(base, 'POST', '/auth/login', { username, password: NEW_PASSWORD });
    expect(login.status === 200 && typeof login.body?.access_token === 'string', 'login with the new password');
    const oldLogin = await http(base, 'POST', '/auth/login', { username, password: PASSWORD });
    expect(oldLogin.status === 401, 'the old password no longer works');
    await waitFor(() => resetMails().length >= 2, 'the password-changed email');
    ok('the "password changed" email arrived');

    step('logs: JSON lines on stdout, no secrets');
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length > 0 && lines.every((l) => l.startsWith('{')), 'stdout is JSON lines');
    const sendLine = lines.map((l) => JSON.parse(l)).find((r) => r.req?.id === 'smoke-send');
    expect(sendLine?.route === '/api/auth/forgotPassword/sendEmail' && sendLine?.res?.statusCode === 200, 'the request line carries id, route and status');
    for (const secret of [PASSWORD, NEW_PASSWORD, code, login.body.access_token]) {
      if (stdout.includes(secret) || stderr.includes(secret)) fail('a secret appears in the log output');
    }
    ok('no password, code or token in the log output');

    step('SIGTERM during an in-flight request');
    let respondedAt = 0;
    const inFlight = http(base, 'POST', '/auth/register', { username: `${username}.2`, password: PASSWORD }).then((r) => {
      respondedAt = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const draining = await http(base, 'GET', '/health/ready').catch(() => ({ status: 0 }));
    expect(draining.status === 503, 'readiness answers 503 once shutdown has begun', String(draining.status));
    const finished = await inFlight;
    expect(finished.status === 201, 'the in-flight request completes', `${finished.status} ${finished.text}`);
    expect(respondedAt > signalledAt, 'it was still in flight when the signal came');
    const exit = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), EXIT_BUDGET_MS + 2000))]);
    expect(exit !== undefined, 'the process exits');
    expect(exit.code === 0 && exit.signal === null, 'with exit code 0', JSON.stringify(exit));
    expect(exit.at - signalledAt < EXIT_BUDGET_MS, `within ${EXIT_BUDGET_MS / 1000} s of SIGTERM (${exit.at - signalledAt} ms)`);
    expect(stderr.trim() === '', 'nothing on stderr', stderr);
    child = undefined;
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (smtp) await new Promise((r) => smtp.server.close(r));
    if (dbCreated) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    rmSync(workDir, { recursive: true, force: true });
  }
}

function record(passed) {
  if (process.env.TEST_SUMMARY_FILE) {
    appendFileSync(process.env.TEST_SUMMARY_FILE, `${JSON.stringify({ passed: passed ? 1 : 0, failed: passed ? 0 : 1, skipped: 0 })}\n`);
  }
}

main().then(
  () => {
    console.log(`\nproduction smoke test passed: ${checks} checks in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    record(true);
  },
  (err) => {
    console.error(`\nproduction smoke test FAILED after ${checks} checks: ${err.message}`);
    record(false);
    process.exit(1);
  },
);
