// The machine's raw bcrypt capacity: as many bcrypt.hash (or bcrypt.compare) calls in parallel as
// keep libuv's thread pool busy, for a fixed time, at the given cost. Run as its own process by
// bench/run.mjs with the service's UV_THREADPOOL_SIZE, so the pool is the same size.
//
//   node bench/bcrypt-capacity.mjs <cost> <seconds> [hash|compare|both]   → prints one JSON line
import os from 'node:os';
import bcrypt from 'bcrypt';

const cost = Number(process.argv[2] ?? 12);
const seconds = Number(process.argv[3] ?? 6);
const poolSize = Number(process.env.UV_THREADPOOL_SIZE || 4);
const password = 'BenchPassword123!';

async function measure(operation, hash) {
  const run = operation === 'hash' ? () => bcrypt.hash(password, cost) : () => bcrypt.compare(password, hash);
  // Warm the pool (threads are created on first use).
  await Promise.all(Array.from({ length: poolSize }, run));
  let done = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  // Twice the pool size in flight, so a thread never waits for the event loop.
  await Promise.all(
    Array.from({ length: poolSize * 2 }, async () => {
      while (performance.now() < deadline) {
        await run();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

const which = process.argv[4] ?? 'both';
const hash = await bcrypt.hash(password, cost);
const hashPerSecond = which === 'compare' ? undefined : await measure('hash', hash);
const comparePerSecond = which === 'hash' ? undefined : await measure('compare', hash);
console.log(JSON.stringify({ cost, poolSize, cores: os.availableParallelism(), hashPerSecond, comparePerSecond }));
