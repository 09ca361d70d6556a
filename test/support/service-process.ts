import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRETS } from './app.js';
import { MAIN_JS, ROOT } from './built-app.js';
import { HttpClient } from './http.js';
import { freePort } from './net.js';


/** One `node dist/main.js` process (a replica) listening on its own port. */
export interface ServiceProcess {
  url: string;
  http: HttpClient;
  /** The process's metrics listener (METRICS_PORT): GET /metrics. */
  metrics: HttpClient;
  child: ChildProcess;
  /** The process's stderr and stdout so far (the last 8 MB each), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/main.js` (build first: see ensureBuilt) with the test secrets, per-IP limits
 * off, cheap bcrypt and quiet logs, plus `env`; resolves once /health/ready answers 200.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'reset-replica-'));
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      EMAIL_VERIFICATION_ON_REGISTER: 'false',
      METRICS_PORT: String(metricsPort),
      ...TEST_SECRETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout = (stdout + d).slice(-8_000_000)));
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-8_000_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const output = () => `--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the service did not become ready within 30 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, http: new HttpClient(url), metrics: new HttpClient(`http://127.0.0.1:${metricsPort}`, { documented: false }), child, output, stop };
}

/** `count` replicas on the same `env` (one database), started one after the other: the first runs the migrations. */
export async function startReplicas(env: Record<string, string>, count = 2): Promise<ServiceProcess[]> {
  const replicas: ServiceProcess[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(await startServiceProcess(env));
  } catch (err) {
    await Promise.all(replicas.map((r) => r.stop()));
    throw err;
  }
  return replicas;
}
