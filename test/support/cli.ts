import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './built-app.js';

const CLI_JS = join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js <args>` (`npm run cli -- <args>`) with exactly `env` (plus PATH), as an operator runs it. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_JS, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 45_000 },
      (err, stdout, stderr) => {
        const killed = (err as { killed?: boolean } | null)?.killed;
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr: killed ? `${stderr}\n(killed after 45 s)` : stderr });
      },
    );
  });
}
