import { DurationSampler } from './duration-sampler.js';

describe('DurationSampler', () => {
  it('draws only recorded durations, and nothing before the first', () => {
    const s = new DurationSampler(4);
    expect(s.sample()).toBeUndefined();
    [10, 20, 30].forEach((d) => s.record(d));
    for (let i = 0; i < 50; i++) expect([10, 20, 30]).toContain(s.sample());
  });

  it('keeps only the most recent `capacity` durations', () => {
    const s = new DurationSampler(3);
    [1, 2, 3, 4, 5].forEach((d) => s.record(d));
    const drawn = new Set(Array.from({ length: 200 }, () => s.sample()));
    expect([...drawn].sort()).toEqual([3, 4, 5]);
  });

  it('pads a fast path up to a drawn duration, and never delays a path that took longer', async () => {
    const s = new DurationSampler();
    s.record(60);
    let started = performance.now();
    await s.padSince(started);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    started = performance.now() - 100;
    const before = performance.now();
    await s.padSince(started);
    expect(performance.now() - before).toBeLessThan(30);
  });
});
