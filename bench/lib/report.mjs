// The generated blocks of BENCHMARKS.md: each script run with `--write` replaces its own block
// (one per script, database and cost), keeping everything around it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = (key) => `<!-- bench:start ${key} (written by \`npm run bench -- --write\`) -->`;
const END = (key) => `<!-- bench:end ${key} -->`;

export function writeReport(path, key, report) {
  const block = `${START(key)}\n${report}\n${END(key)}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n`;
  const from = current.indexOf(START(key));
  const to = current.indexOf(END(key));
  const next =
    from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + END(key).length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
