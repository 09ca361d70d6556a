import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Set when the process starts shutting down, so readiness turns 503 before connections close. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  constructor(private readonly indicator: HealthIndicatorService) {}

  begin(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  check() {
    const session = this.indicator.check('lifecycle');
    return this.shuttingDown ? session.down({ state: 'shutting_down' }) : session.up({ state: 'running' });
  }
}
