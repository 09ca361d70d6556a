import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/, so process-level tests run the current code. */
export function ensureBuilt(): void {
  if (existsSync(MAIN_JS) && statSync(MAIN_JS).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** When the process was started and when its output closed, by this (the test's) clock. */
  startedAt: string;
  endedAt: string;
  /**
   * On a timeout, where the process stood: from a Node diagnostic report asked for before the
   * kill, whether its main thread was busy or waiting, and on what.
   */
  stall?: string;
}

/**
 * Runs `node dist/main.js` with exactly the given environment (plus PATH, and METRICS_PORT=0
 * unless given), killing it after `timeoutMs`. Before the kill it asks the process for a
 * diagnostic report, so that a start-up that stalls says where.
 */
export function runMain(env: Record<string, string>, timeoutMs = 15_000, cwd = ROOT): Promise<ProcessResult> {
  const reports = mkdtempSync(join(tmpdir(), 'reset-svc-report-'));
  return new Promise<ProcessResult>((resolvePromise, reject) => {
    const startedAt = new Date().toISOString();
    const child = spawn(
      process.execPath,
      ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reports}`, MAIN_JS],
      { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', METRICS_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let timedOutAt: number | undefined;
    let stall: string | undefined;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOutAt = Date.now();
      child.kill('SIGUSR2');
      setTimeout(() => {
        stall = stallReport(reports);
        child.kill('SIGKILL');
      }, 5_000).unref();
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOutAt !== undefined && stall === undefined) stall = `the process ended ${Date.now() - timedOutAt} ms after it was asked for a report, before the report was read`;
      resolvePromise({ code, signal, stdout, stderr, timedOut: timedOutAt !== undefined, startedAt, endedAt: new Date().toISOString(), stall });
    });
  }).finally(() => rmSync(reports, { recursive: true, force: true }));
}

export interface DiagnosticReport {
  javascriptStack?: { stack?: string[] };
  libuv?: { type: string; is_active: boolean }[];
}

/** The Node diagnostic report in `dir` (`--report-directory`): none yet, one still being written, or the report. */
export function readDiagnosticReport(dir: string): 'none' | 'partial' | DiagnosticReport {
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) return 'none';
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8')) as DiagnosticReport;
  } catch {
    return 'partial';
  }
}

/**
 * Node writes the report from the event loop, so there is one only when the main thread is free:
 * it then lists what the loop waits on. No report means the main thread was busy all along.
 */
function stallReport(dir: string): string {
  const report = readDiagnosticReport(dir);
  if (report === 'none') return 'no diagnostic report within 5 s: the main thread was busy, not waiting';
  if (report === 'partial') return 'within 5 s the main thread was free (its diagnostic report was still being written)';
  const handles = (report.libuv ?? []).filter((h) => h.is_active).map((h) => h.type);
  const stack = (report.javascriptStack?.stack ?? []).filter((l) => l.trim() !== '');
  return [`within 5 s the main thread was free; its event loop then waited on: ${handles.join(', ')}`, ...stack].join('\n');
}

/** Fails, showing how far the process got (its output's end, its stall report), when it had to be killed. */
export function expectEnded(result: ProcessResult): void {
  if (!result.timedOut) return;
  const { stall, startedAt, endedAt } = result;
  const output = (result.stdout + result.stderr).slice(-4_000);
  throw new Error(`The process did not end in time (started ${startedAt}, ended ${endedAt}).\n${stall}\nIts output's end:\n${output}`);
}
