import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT } from './support/built-app.js';
import { freePort } from './support/net.js';

/** What a fresh clone does not have: built output, local data, dependencies (linked instead). */
const NOT_IN_A_CLONE = new Set(['node_modules', 'dist', 'data', '.git', 'coverage', 'artifacts']);

/**
 * `npm run start:dev` on a fresh copy of the sources (no dist/, no data/): it must build, start
 * and answer readiness, then keep watching. node_modules is linked from this checkout.
 */
describe('npm run start:dev on a fresh clone', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
    cpSync(ROOT, dir, { recursive: true, filter: (src) => !NOT_IN_A_CLONE.has(basename(src)) });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      // The whole group: npm, the watcher and the service it started.
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-child!.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('builds, starts and answers /health/ready, and says where to go', async () => {
    expect(existsSync(join(dir, 'dist'))).toBe(false);
    expect(existsSync(join(dir, 'src', 'main.ts'))).toBe(true);
    const port = await freePort();
    child = spawn('npm', ['run', 'start:dev'], {
      cwd: dir,
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir, PORT: String(port), LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    let exited = false;
    child.once('exit', () => (exited = true));

    const deadline = Date.now() + 240_000;
    let ready = false;
    while (!ready && !exited && Date.now() < deadline) {
      try {
        ready = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
      } catch {
        // not listening yet
      }
      if (!ready) await new Promise((r) => setTimeout(r, 500));
    }
    if (!ready) throw new Error(`start:dev never became ready (exited: ${exited}):\n${output}`);
    expect(existsSync(join(dir, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'pgdata'))).toBe(true);
    // The start message comes right after listening; give the pipe a moment.
    for (let i = 0; i < 50 && !output.includes('Dev mailbox'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('Swagger UI (try the API): http://localhost:3000/docs');
    expect(output).toContain('/dev/mailbox');
  }, 300_000);
});
