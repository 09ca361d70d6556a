import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** Time source and timer of a sampler; tests pass their own. */
export interface SamplerClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

export interface DurationSamplerOptions {
  /** Draw from the durations recorded within this many ms (default 250)… */
  windowMs?: number;
  /** …but from at least this many of the newest (default 8), however old. */
  minSamples?: number;
  clock?: SamplerClock;
}

const CORRECTION_STEP_MS = 0.2;
const MAX_CORRECTION_MS = 50;

const SYSTEM_CLOCK: SamplerClock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

/**
 * Recent durations of one code path. With RESET_HIDE_UNKNOWN_ACCOUNTS the path for an unknown
 * account does less work than the real one (no request row, no outbox rows), so it waits
 * until it has taken as long as a randomly drawn recent real request: both answers then come
 * from the same distribution of times, tail included, not just the same median.
 *
 * "Recent" is by time, not by count: a burst of traffic records hundreds of slow durations in a
 * second, and drawing from the last N of them would keep padding with the burst's durations
 * long after it ended (measured: up to +44 ms on a loaded machine). Drawing only from the
 * last `windowMs`, or the newest `minSamples` when fewer are that young, follows a change of
 * load within about `windowMs`.
 */
export class DurationSampler {
  private readonly durations: number[] = [];
  private readonly recordedAt: number[] = [];
  private next = 0;
  /** How late timers fire lately (a loaded event loop wakes up late): subtracted from each wait. */
  private timerLateness = 0;
  /** Subtracted from each wait too, so that padded answers are as often faster as slower than real ones (see padSince). */
  private correction = 0;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private readonly clock: SamplerClock;

  constructor(
    private readonly capacity = 256,
    options: DurationSamplerOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 250;
    this.minSamples = Math.max(1, Math.min(capacity, options.minSamples ?? 8));
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  record(ms: number): void {
    const at = this.clock.now();
    if (this.durations.length < this.capacity) {
      this.durations.push(ms);
      this.recordedAt.push(at);
    } else {
      this.durations[this.next] = ms;
      this.recordedAt[this.next] = at;
    }
    this.next = (this.next + 1) % this.capacity;
  }

  /** A random recent duration (see the class), or undefined before the first one was recorded. */
  sample(): number | undefined {
    const recent = this.recentCount();
    return recent ? this.durations[this.newest(randomInt(recent))] : undefined;
  }

  /**
   * Waits until `startedAt` (the clock's now(), performance.now() by default) is a drawn duration
   * ago, less `correction`.
   */
  async padSince(startedAt: number): Promise<void> {
    const target = this.sample();
    if (target === undefined) return;
    const remaining = target - (this.clock.now() - startedAt) - this.timerLateness - this.correction;
    if (remaining > 0) {
      const sleptFrom = this.clock.now();
      await this.clock.sleep(remaining);
      const late = this.clock.now() - sleptFrom - remaining;
      this.timerLateness = 0.8 * this.timerLateness + 0.2 * Math.max(0, late);
    }
    // The padded answer takes max(its own work, the drawn time): when its own work is slow too
    // (a loaded machine), that max is later than the drawn time more often than not. Each answer
    // moves the correction a step towards answering before the recent durations' median half the
    // time, which is where the medians of padded and real answers agree.
    const took = this.clock.now() - startedAt;
    const step = took > this.recentMedian() ? CORRECTION_STEP_MS : -CORRECTION_STEP_MS;
    this.correction = Math.min(MAX_CORRECTION_MS, Math.max(-MAX_CORRECTION_MS, this.correction + step));
  }

  /** Index of the k-th newest duration (0: the newest). */
  private newest(k: number): number {
    return (this.next - 1 - k + this.capacity) % this.capacity;
  }

  /** The median of the durations sample() draws from. */
  private recentMedian(): number {
    const recent = Array.from({ length: this.recentCount() }, (_, k) => this.durations[this.newest(k)]).sort((a, b) => a - b);
    return recent[Math.floor(recent.length / 2)];
  }

  /** How many of the newest durations to draw from: those within the window, at least minSamples. */
  private recentCount(): number {
    const stored = this.durations.length;
    const since = this.clock.now() - this.windowMs;
    let count = Math.min(stored, this.minSamples);
    while (count < stored && this.recordedAt[this.newest(count)] >= since) count += 1;
    return count;
  }
}
