import { Injectable, Optional } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../observability/metrics.js';

/** bcrypt at the configured cost. The async API runs on libuv's thread pool, off the event loop. */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** Every bcrypt call is timed into `bcrypt_duration_seconds` when metrics are present. */
  private timed<T>(operation: 'hash' | 'verify', fn: () => Promise<T>): Promise<T> {
    return this.metrics ? this.metrics.timeBcrypt(operation, fn) : fn();
  }

  hash(password: string): Promise<string> {
    return this.timed('hash', () => bcrypt.hash(password, this.config.bcryptCost));
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.timed('verify', () => bcrypt.compare(password, hash));
  }

  /** Spends the same time as a real verify, for accounts that do not exist. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('dummy password for timing', this.config.bcryptCost);
    const dummy = await this.dummyHash;
    await this.timed('verify', () => bcrypt.compare(password, dummy));
    return false;
  }
}
