// One load scenario against the built service: autocannon at a fixed concurrency for a fixed
// time, each response classified; shared by bench/run.mjs and bench/tokens.mjs.
import autocannon from 'autocannon';

const log = (...args) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);

/**
 * Runs autocannon at a fixed concurrency for a fixed time. `next()` gives each request's
 * {path, body (JSON) or form (urlencoded), headers, tag}; `classify(status, body, tag)` names the outcome of each response
 * (anything but `ok` is counted as an error unless listed in `expected`).
 */
export async function scenario(service, { name, method = 'POST', connections, duration, next, classify, expected = ['ok'], warmup = 0 }) {
  const outcomes = {};
  const samples = {};
  const finished = [];
  const stopRss = service.watchRss();
  const result = await autocannon({
    url: service.url,
    connections,
    duration,
    timeout: 30,
    requests: [
      {
        method,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req, context) => {
          const { path, body, form, headers = {}, tag } = next();
          context.tag = tag;
          if (form) return { ...req, path, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
          if (body === undefined) return { ...req, path, body: undefined, headers };
          return { ...req, path, headers: { ...req.headers, ...headers }, body: JSON.stringify(body) };
        },
        onResponse: (status, body, context) => {
          const outcome = classify(status, body, context.tag);
          // The steady rate counts the answers of the path being measured only.
          if (expected.includes(outcome)) finished.push(performance.now());
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (!expected.includes(outcome) && !samples[outcome]) samples[outcome] = String(body).slice(0, 300);
        },
      },
    ],
  });
  const peakRssMiB = stopRss();
  const completed = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const unexpected = Object.entries(outcomes)
    .filter(([k]) => !expected.includes(k))
    .reduce((a, [, v]) => a + v, 0);
  // Bcrypt-bound scenarios: the rate between the end of the first wave (`warmup` completions,
  // one per pool thread) and the last completion, so neither the start-up nor the hashes cut off
  // by the end of the run count against the service (the raw measurement has neither).
  const steady = warmup > 0 && finished.length > warmup + 1 ? (finished.length - warmup) / ((finished.at(-1) - finished[warmup - 1]) / 1000) : undefined;
  const row = {
    name,
    connections,
    duration: result.duration,
    completed,
    rps: completed / result.duration,
    steady,
    samples,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: unexpected + result.errors + result.timeouts,
    outcomes,
    peakRssMiB,
  };
  for (const [outcome, body] of Object.entries(samples)) log(`${name}: unexpected ${outcome}, e.g. ${body}`);
  log(`${name}: ${row.rps.toFixed(1)} req/s${steady ? ` (steady ${steady.toFixed(2)})` : ''}, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${row.errors}, outcomes ${JSON.stringify(outcomes)}, peak RSS ${peakRssMiB.toFixed(0)} MiB`);
  return row;
}

export function bodyOf(raw) {
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

export const statusIs = (code) => (status) => (status === code ? 'ok' : `http_${status}`);
