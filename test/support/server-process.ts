import { ChildProcess, spawn } from 'node:child_process';
import { MAIN_JS, ROOT } from './built-app.js';

/** `node dist/main.js` as a child process, for tests of what only a real process shows (signals, stdout). */
export class ServerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcess;

  constructor(
    env: Record<string, string>,
    readonly port: number,
    options: { cwd?: string; mainJs?: string } = {},
  ) {
    this.child = spawn(process.execPath, [options.mainJs ?? MAIN_JS], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: String(port), METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits until GET `path` answers 200, or the process exits, or the time is up. */
  async waitUntilUp(path = '/health/live', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      if (exited) throw new Error(`server exited before it was up:\n${this.stdout}\n${this.stderr}`);
      try {
        const res = await fetch(this.url + path);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server not up within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  signal(signal: NodeJS.Signals = 'SIGTERM'): number {
    this.child.kill(signal);
    return Date.now();
  }

  /** Ends the process if it still runs (cleanup after a failed test). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The stdout lines that are JSON log records. */
  records(): Record<string, any>[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
  }
}

