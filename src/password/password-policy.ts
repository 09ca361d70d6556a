import { Injectable } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';
import { ApiError } from '../common/api-error.js';

export type PasswordRule =
  | 'min_length'
  | 'max_bytes'
  | 'uppercase'
  | 'lowercase'
  | 'digit'
  | 'special'
  | 'common';

export const PASSWORD_MIN_LENGTH = 8;
/** bcrypt reads only the first 72 bytes: longer passwords are rejected, never truncated. */
export const PASSWORD_MAX_BYTES = 72;
/** The special characters the seed contracts name. */
export const PASSWORD_SPECIALS = `!@#$%^&*()_+={}[]|:;'"<>,.?/`;

export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = {
  min_length: `at least ${PASSWORD_MIN_LENGTH} characters`,
  max_bytes: `at most ${PASSWORD_MAX_BYTES} bytes`,
  uppercase: 'an uppercase letter',
  lowercase: 'a lowercase letter',
  digit: 'a number',
  special: `a special character (${PASSWORD_SPECIALS})`,
  common: 'not a commonly used password',
};

/** Common passwords (zxcvbn's frequency list, lower-cased, ~49k entries, most common first). */
const COMMON_LIST = dictionary['passwords-common'] as string[];
const COMMON = new Set<string>(COMMON_LIST);
/** The 10,000 most common: a decorated one ("Password123!") counts as common too. */
const MOST_COMMON = new Set<string>(COMMON_LIST.slice(0, 10_000));
const TRAILING_DECORATION = /[\d!@#$%^&*()_+={}[\]|:;'"<>,.?/-]+$/u;
const MAX_DECORATION = 5;

export class PasswordPolicyError extends ApiError {
  constructor(readonly violations: PasswordRule[]) {
    super(400, 'password_policy', 'The password does not meet the requirements', {
      violations,
    });
  }
}

@Injectable()
export class PasswordPolicy {
  violations(password: string): PasswordRule[] {
    const failed: PasswordRule[] = [];
    if ([...password].length < PASSWORD_MIN_LENGTH) failed.push('min_length');
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) failed.push('max_bytes');
    if (!/\p{Lu}/u.test(password)) failed.push('uppercase');
    if (!/\p{Ll}/u.test(password)) failed.push('lowercase');
    if (!/\d/.test(password)) failed.push('digit');
    if (![...password].some((c) => PASSWORD_SPECIALS.includes(c))) failed.push('special');
    if (isCommon(password)) failed.push('common');
    return failed;
  }

  /** Throws `PasswordPolicyError` listing every failed rule. */
  assert(password: string): void {
    const failed = this.violations(password);
    if (failed.length) throw new PasswordPolicyError(failed);
  }
}

function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  const base = lower.replace(TRAILING_DECORATION, '');
  return base.length > 0 && lower.length - base.length <= MAX_DECORATION && MOST_COMMON.has(base);
}
