// Preloaded into a service instance by the benchmark (`node --import …/capture-statements.mjs
// dist/main.js` with BENCH_CAPTURE_FILE set): appends every statement the pg driver sends, with
// its parameters and whether it was pipelined with the one before, to that file as JSON lines.
// The baseline of bench/reset-request-baseline.mjs replays what it captured, so the baseline
// issues the statements the service actually issues, in the same round trips.
import { appendFileSync } from 'node:fs';
import pg from 'pg';

const file = process.env.BENCH_CAPTURE_FILE;
const encode = (v) =>
  Buffer.isBuffer(v) ? { $buffer: v.length } : v instanceof Date ? { $date: v.toISOString() } : Array.isArray(v) ? v.map(encode) : v;

if (file) {
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function capture(config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    const params = Array.isArray(values) ? values : Array.isArray(config?.values) ? config.values : [];
    if (typeof text === 'string') {
      this.benchId ??= Math.random().toString(36).slice(2);
      // Issued while an earlier query of this client was unanswered: pipelined with it (the
      // service's pool runs with `pipeline`), so the replay sends it the same way.
      const pipelined = Boolean(this._activeQuery || this._sentQueryQueue?.length || this._queryQueue.length);
      appendFileSync(file, `${JSON.stringify({ at: Date.now(), client: this.benchId, pipelined, text, values: params.map(encode) })}\n`);
    }
    return query.call(this, config, values, callback);
  };
}
