import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Set when the process starts shutting down, so readiness turns 503 before connections close.
 * Background loops can watch `signal` (aborted at the same moment) to stop taking new work;
 * the full order is described in graceful-shutdown.ts.
 */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;
  private readonly controller = new AbortController();

  /** Aborted when shutdown begins. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  constructor(private readonly indicator: HealthIndicatorService) {}

  begin(): void {
    this.shuttingDown = true;
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  check() {
    const session = this.indicator.check('lifecycle');
    return this.shuttingDown ? session.down({ state: 'shutting_down' }) : session.up({ state: 'running' });
  }
}
