import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EntityManager } from 'typeorm';
import { LoginFailureRepository } from './login-failure.repository.js';
import ipaddr from 'ipaddr.js';
import { databaseAway, tooManyAttempts } from '../common/error-catalogue.js';
import { AppConfig } from '../config/app-config.js';
import { isDatabaseUnavailable } from '../database/pg.js';
import { IdentifierKeys } from '../reset/identifiers.js';
import { PasswordChanged } from '../reset/reset-events.js';

/** A login try counted in advance: the failure rows to give back if the password is right. */
export interface LoginTry {
  ids: string[];
  /** The (account name, client IP) subject, cleared by a successful login. */
  nameAtIp: string;
}

/**
 * What a client address counts as in the login throttle: an IPv4 address as itself (an
 * IPv4-mapped IPv6 address as the IPv4 address it carries), an IPv6 address as its /64, the
 * smallest network one subscriber is given, so rotating addresses inside it gains no tries.
 */
export function clientNetwork(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...prefix, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * Failed logins in sliding windows, shared by every instance through the database, counted
 * per account name as typed (its keyed hash, IdentifierKeys), so that a name without an
 * account is throttled exactly like one with an account and a 429 reveals nothing:
 *
 * - per (name, client IP): LOGIN_MAX_FAILURES per LOGIN_FAILURE_WINDOW_SECONDS. An attacker
 *   hammering an account from one address does not lock out its owner at another;
 * - per name from every address: LOGIN_MAX_ACCOUNT_FAILURES per LOGIN_ACCOUNT_WINDOW_SECONDS,
 *   against guessing distributed over many addresses; lifted by a completed password reset;
 * - per client IP over every name: LOGIN_MAX_FAILURES_PER_IP per LOGIN_FAILURE_WINDOW_SECONDS.
 *
 * A try is counted as a failure before the password is compared (atomically: concurrent tries
 * cannot overshoot a limit) and given back when the password is right; if it cannot be
 * counted, the login is refused (503) without comparing: fail closed.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly keys: IdentifierKeys;

  constructor(
    private readonly failures: LoginFailureRepository,
    private readonly config: AppConfig,
  ) {
    this.keys = new IdentifierKeys(config.reset.secret);
  }

  static nameSubject(key: string) {
    return `login:${key}`;
  }

  static ipKey(ip: string) {
    return `ip:${ip}`;
  }

  /**
   * Throws 429 when a subject of this try has reached its limit; else counts the try as a
   * failure of each subject and returns what to give back on success.
   */
  async reserve(identifier: string, clientIp: string): Promise<LoginTry> {
    const { maxFailures, maxFailuresPerIp, windowSeconds, maxAccountFailures, accountWindowSeconds } = this.config.login;
    const name = LoginThrottle.nameSubject(this.keys.of(identifier));
    const network = clientNetwork(clientIp);
    const nameAtIp = `${name}@${network}`;
    const limits = [
      { subject: nameAtIp, max: maxFailures, windowSeconds },
      { subject: name, max: maxAccountFailures, windowSeconds: accountWindowSeconds },
      { subject: LoginThrottle.ipKey(network), max: maxFailuresPerIp, windowSeconds },
    ];
    let counted: { ids: string[] } | { retryAfter: number };
    try {
      // In one order everywhere, so two logins never wait on each other's locks.
      const { ids, retryAfter } = await this.failures.recordTry(limits.sort((a, b) => a.subject.localeCompare(b.subject)));
      counted = retryAfter === null ? { ids } : { retryAfter };
    } catch (err) {
      // Fail closed: a try that cannot be counted is not evaluated.
      if (!isDatabaseUnavailable(err)) this.logger.error(`cannot count a login try: ${(err as Error)?.message}`);
      throw databaseAway();
    }
    if ('retryAfter' in counted) throw tooManyAttempts(counted.retryAfter);
    return { ids: counted.ids, nameAtIp };
  }

  /** The password was right: the try is not a failure, and this name's failures from this address go. */
  async succeeded(attempt: LoginTry): Promise<void> {
    await this.failures.deleteIdsAndSubject(attempt.ids, attempt.nameAtIp);
  }

  /** A changed password: the owner is back in control, no login throttle holds the account. */
  @OnEvent(PasswordChanged.type, { suppressErrors: false })
  async passwordChanged(event: PasswordChanged): Promise<void> {
    await this.liftAccount(event.tx, event.account);
  }

  /** A completed password reset: every login throttle of the account's names is lifted. */
  async liftAccount(tx: EntityManager, account: { username: string; emails?: { email: string }[] }): Promise<void> {
    const names = this.keys.ofAccount(account).map((key) => LoginThrottle.nameSubject(key));
    await this.failures.deleteNames(tx, names);
  }

  /** Drops failures that have aged out of every window. */
  async prune(): Promise<void> {
    const { windowSeconds, accountWindowSeconds } = this.config.login;
    await this.failures.deleteOlderThan(Math.max(windowSeconds, accountWindowSeconds));
  }
}
