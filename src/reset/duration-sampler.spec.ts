import { DurationSampler, SamplerClock } from './duration-sampler.js';

/** A clock that moves only when told to; sleep(ms) moves it by ms (+ `late`) and records the wait. */
class ManualClock implements SamplerClock {
  t = 1_000_000;
  late = 0;
  readonly waits: number[] = [];
  now = () => this.t;
  sleep = async (ms: number) => {
    this.waits.push(ms);
    this.t += ms + this.late;
  };
  advance(ms: number) {
    this.t += ms;
  }
}

/** Records `durations` one every `everyMs` on `clock`. */
function recordEvery(s: DurationSampler, clock: ManualClock, everyMs: number, durations: number[]) {
  for (const d of durations) {
    s.record(d);
    clock.advance(everyMs);
  }
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const draws = (s: DurationSampler, n = 2000) => new Set(Array.from({ length: n }, () => s.sample()));
const sorted = (set: Set<number | undefined>) => [...set].sort((a, b) => (a ?? 0) - (b ?? 0));

describe('DurationSampler', () => {
  it('draws only recorded durations, and nothing before the first', () => {
    const s = new DurationSampler(4);
    expect(s.sample()).toBeUndefined();
    [10, 20, 30].forEach((d) => s.record(d));
    for (let i = 0; i < 50; i++) expect([10, 20, 30]).toContain(s.sample());
  });

  it('keeps only the most recent `capacity` durations', () => {
    const s = new DurationSampler(3, { windowMs: 60_000 });
    [1, 2, 3, 4, 5].forEach((d) => s.record(d));
    expect(sorted(draws(s, 200))).toEqual([3, 4, 5]);
  });

  it('draws from every duration of the window when there are more than minSamples', () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { windowMs: 250, minSamples: 8, clock });
    recordEvery(s, clock, 2, range(1, 50));
    expect(sorted(draws(s))).toEqual(range(1, 50));
  });

  it('follows a change of load: once a burst of slow requests ends, the padding comes from the quiet ones after it', () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { windowMs: 250, minSamples: 8, clock });
    // A burst: 200 slow requests in one second, more than the quiet phase will record.
    recordEvery(s, clock, 5, range(0, 199).map((i) => 100 + (i % 7)));
    expect(Math.min(...(draws(s) as Set<number>))).toBeGreaterThanOrEqual(100);
    // Quiet: one fast request every 30 ms. 300 ms later the burst is out of the window.
    clock.advance(30);
    recordEvery(s, clock, 30, range(10, 19));
    expect(Math.max(...(draws(s) as Set<number>))).toBeLessThan(100);
    // And back: a new burst takes over as soon as its requests outnumber the quiet ones.
    recordEvery(s, clock, 1, Array(40).fill(200));
    const mixed = [...Array(2000)].map(() => s.sample()!);
    expect(mixed.filter((d) => d === 200).length).toBeGreaterThan(mixed.length / 2);
  });

  it('with no recent traffic draws from the newest minSamples, however old', () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { windowMs: 250, minSamples: 8, clock });
    recordEvery(s, clock, 60_000, range(1, 20));
    expect(sorted(draws(s))).toEqual(range(13, 20));
  });

  it('pads a fast path up to a drawn duration, and never delays a path that took longer', async () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { clock });
    s.record(60);
    const started = clock.now();
    clock.advance(10);
    await s.padSince(started);
    expect(clock.waits).toEqual([50]);
    expect(clock.now() - started).toBe(60);

    const slow = clock.now();
    clock.advance(100);
    await s.padSince(slow);
    expect(clock.waits).toEqual([50]);
  });

  it('waits less when timers have been firing late', async () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { clock });
    s.record(60);
    clock.late = 10;
    await s.padSince(clock.now());
    clock.late = 0;
    await s.padSince(clock.now());
    // 0.2 × 10 ms of lateness taken off the second wait, and a 0.2 ms step of the correction
    // (the first answer came later than the drawn time).
    expect(clock.waits).toHaveLength(2);
    expect(clock.waits[0]).toBe(60);
    expect(clock.waits[1]).toBeCloseTo(57.8, 6);
  });

  it('answers the padded path at the median of the real durations even when its own work is often slower than the drawn time', async () => {
    const clock = new ManualClock();
    const s = new DurationSampler(256, { windowMs: Infinity, clock });
    // Real answers: 20 to 60 ms (median 40). The padded path's own work: 0 to 50 ms, so without
    // a correction it answers at max(own work, drawn time), median about 43 ms.
    recordEvery(s, clock, 0, range(0, 255).map((i) => 20 + (40 * i) / 255));
    const took: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const started = clock.now();
      clock.advance(Math.random() * 50);
      await s.padSince(started);
      took.push(clock.now() - started);
    }
    const settled = took.slice(5_000).sort((a, b) => a - b);
    expect(Math.abs(settled[Math.floor(settled.length / 2)] - 40)).toBeLessThan(1);
  });
});
