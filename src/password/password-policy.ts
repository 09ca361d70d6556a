import { ApiError } from '../common/api-error.js';
import { CommonPasswords } from './common-passwords.js';

export type PasswordRule =
  | 'min_length'
  | 'max_bytes'
  | 'uppercase'
  | 'lowercase'
  | 'digit'
  | 'special'
  | 'common';

/**
 * `composition` (the default): at least 8 characters with an uppercase letter, a lowercase
 * letter, a digit and a special character, as the contracts document. `length` (NIST SP
 * 800-63B): at least 15 characters and no composition rules. Both reject common passwords
 * and more than 72 bytes.
 */
export type PasswordPolicyKind = 'composition' | 'length';
export const PASSWORD_POLICY_KINDS: readonly PasswordPolicyKind[] = ['composition', 'length'];

export const PASSWORD_MIN_LENGTH = 8;
/** The minimum length under PASSWORD_POLICY=length (NIST SP 800-63B, single-factor). */
export const PASSWORD_MIN_LENGTH_LENGTH_POLICY = 15;
/** bcrypt reads only the first 72 bytes: longer passwords are rejected, never truncated. */
export const PASSWORD_MAX_BYTES = 72;
/**
 * The special characters the contracts document. Every one of them counts, and so does every
 * other character that is not a letter or a digit (see `SPECIAL_CHARACTER`): this list is
 * what the rule texts give as examples.
 */
export const PASSWORD_SPECIALS = `!@#$%^&*()_+={}[]|:;'"<>,.?/`;
/**
 * A special character: punctuation, a symbol or a space, in ASCII or anywhere in Unicode
 * (`-`, `~`, `` ` ``, `\`, space, `€`, `§`, `¡`, …). Letters, digits, combining marks and
 * control characters are not special. The source (`SPECIAL_CHARACTER.source`, with the `u`
 * flag) is what a browser-side check should use.
 */
export const SPECIAL_CHARACTER = /[\p{P}\p{S}\p{Zs}]/u;

const COMPOSITION_RULES: readonly PasswordRule[] = ['min_length', 'max_bytes', 'uppercase', 'lowercase', 'digit', 'special', 'common'];
const LENGTH_RULES: readonly PasswordRule[] = ['min_length', 'max_bytes', 'common'];

/** The texts of the default (composition) policy, as the API gives them. */
export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = ruleTexts(PASSWORD_MIN_LENGTH);

function ruleTexts(minLength: number): Record<PasswordRule, string> {
  return {
    min_length: `at least ${minLength} characters`,
    max_bytes: `at most ${PASSWORD_MAX_BYTES} bytes`,
    uppercase: 'an uppercase letter',
    lowercase: 'a lowercase letter',
    digit: 'a number',
    special: 'a special character (any character that is not a letter or a digit, such as !@#$%^&*-~ or a space)',
    common: 'not a commonly used password',
  };
}

/**
 * Common passwords (zxcvbn's frequency list, ~49k entries). A decorated one of the 10,000 most
 * common ("Password123!") counts as common too.
 */
const COMMON = CommonPasswords.load(10_000);
const TRAILING_DECORATION = /[\d!@#$%^&*()_+={}[\]|:;'"<>,.?/-]+$/u;
const MAX_DECORATION = 5;

export class PasswordPolicyError extends ApiError {
  constructor(readonly violations: PasswordRule[]) {
    super(400, 'password_policy', 'The password does not meet the requirements', {
      violations,
    });
  }
}

/** The password rules of PASSWORD_POLICY; built by PasswordModule from the configuration. */
export class PasswordPolicy {
  /** The rules this policy checks, in the order violations are listed. */
  readonly rules: readonly PasswordRule[];
  readonly minLength: number;
  /** How the API describes each rule (the forgot-password contract's `detail` lists them). */
  readonly ruleText: Record<PasswordRule, string>;

  constructor(readonly kind: PasswordPolicyKind = 'composition') {
    this.rules = kind === 'length' ? LENGTH_RULES : COMPOSITION_RULES;
    this.minLength = kind === 'length' ? PASSWORD_MIN_LENGTH_LENGTH_POLICY : PASSWORD_MIN_LENGTH;
    this.ruleText = ruleTexts(this.minLength);
  }

  violations(password: string): PasswordRule[] {
    return this.rules.filter((rule) => !this.meets(rule, password));
  }

  /** Throws `PasswordPolicyError` listing every failed rule. */
  assert(password: string): void {
    const failed = this.violations(password);
    if (failed.length) throw new PasswordPolicyError(failed);
  }

  private meets(rule: PasswordRule, password: string): boolean {
    switch (rule) {
      case 'min_length':
        return [...password].length >= this.minLength;
      case 'max_bytes':
        return Buffer.byteLength(password, 'utf8') <= PASSWORD_MAX_BYTES;
      case 'uppercase':
        return /\p{Lu}/u.test(password);
      case 'lowercase':
        return /\p{Ll}/u.test(password);
      case 'digit':
        return /\d/.test(password);
      case 'special':
        return SPECIAL_CHARACTER.test(password);
      case 'common':
        return !isCommon(password);
    }
  }
}

function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return true;
  const base = lower.replace(TRAILING_DECORATION, '');
  return base.length > 0 && lower.length - base.length <= MAX_DECORATION && COMMON.isTop(base);
}
