import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Recent durations of one code path. With RESET_HIDE_UNKNOWN_ACCOUNTS the path for an unknown
 * account does less work than the real one (no request row, no outbox rows), so it waits
 * until it has taken as long as a randomly drawn recent real request: both answers then come
 * from the same distribution of times, tail included, not just the same median.
 */
export class DurationSampler {
  private readonly samples: number[] = [];
  private next = 0;
  /** How late timers fire lately (a loaded event loop wakes up late): subtracted from each wait. */
  private timerLateness = 0;

  constructor(private readonly capacity = 256) {}

  record(ms: number): void {
    if (this.samples.length < this.capacity) this.samples.push(ms);
    else this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.capacity;
  }

  /** A random recent duration, or undefined before the first one was recorded. */
  sample(): number | undefined {
    return this.samples.length ? this.samples[randomInt(this.samples.length)] : undefined;
  }

  /** Waits until `startedAt` (performance.now()) is a drawn duration ago. */
  async padSince(startedAt: number): Promise<void> {
    const target = this.sample();
    const remaining = target === undefined ? 0 : target - (performance.now() - startedAt) - this.timerLateness;
    if (remaining <= 0) return;
    const sleptFrom = performance.now();
    await sleep(remaining);
    const late = performance.now() - sleptFrom - remaining;
    this.timerLateness = 0.8 * this.timerLateness + 0.2 * Math.max(0, late);
  }
}
