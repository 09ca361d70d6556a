import { dictionary } from '@zxcvbn-ts/language-common';
import { ApiError } from '../common/api-error.js';
import {
  PASSWORD_MAX_BYTES,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE_TEXT,
  PASSWORD_SPECIALS,
  PasswordPolicy,
  PasswordPolicyError,
  SPECIAL_CHARACTER,
} from './password-policy.js';

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();
  /** Meets every rule and is not a common password. */
  const GOOD = 'Quilt7Harbor!';

  it('accepts a password that meets every rule', () => {
    expect(policy.violations(GOOD)).toEqual([]);
    expect(() => policy.assert(GOOD)).not.toThrow();
  });

  it.each(['StrongPassword123!', 'NewSecurePassword123!', 'OldPassword123!', 'NewPassword1234!'])(
    'accepts the contracts\' example password %s',
    (password) => {
      expect(policy.violations(password)).toEqual([]);
    },
  );

  describe('length', () => {
    it(`needs at least ${PASSWORD_MIN_LENGTH} characters`, () => {
      expect(PASSWORD_MIN_LENGTH).toBe(8);
      expect(policy.violations('Qh7!xyz')).toEqual(['min_length']);
      expect(policy.violations('Qh7!xyzw')).toEqual([]);
    });

    it('counts characters, not bytes or UTF-16 units', () => {
      // 7 characters, 10 UTF-8 bytes: still too short.
      expect(policy.violations('Qé7!xyü')).toContain('min_length');
      // 8 characters where one is an astral emoji (2 UTF-16 units, 4 bytes).
      expect(policy.violations('Qh7!xyz😀')).toEqual([]);
      // 7 characters, 8 UTF-16 units: too short.
      expect(policy.violations('Qh7!xy😀')).toContain('min_length');
    });

    it(`rejects more than ${PASSWORD_MAX_BYTES} UTF-8 bytes and never truncates`, () => {
      expect(PASSWORD_MAX_BYTES).toBe(72);
      const ascii72 = 'Qh7!' + 'x'.repeat(68);
      expect(Buffer.byteLength(ascii72)).toBe(72);
      expect(policy.violations(ascii72)).toEqual([]);
      expect(policy.violations(ascii72 + 'x')).toEqual(['max_bytes']);
    });

    it('measures multibyte characters in bytes against the 72-byte limit', () => {
      const twoByte72 = 'Qh7!' + 'é'.repeat(34); // 4 + 68 bytes, 38 characters
      expect(Buffer.byteLength(twoByte72)).toBe(72);
      expect(policy.violations(twoByte72)).toEqual([]);
      const twoByte74 = 'Qh7!' + 'é'.repeat(35); // 39 characters but 74 bytes
      expect(policy.violations(twoByte74)).toEqual(['max_bytes']);

      const emoji72 = 'Qh7!' + 'x'.repeat(64) + '😀'; // 4 + 64 + 4 bytes
      expect(Buffer.byteLength(emoji72)).toBe(72);
      expect(policy.violations(emoji72)).toEqual([]);
      expect(policy.violations('Qh7!' + 'x'.repeat(65) + '😀')).toEqual(['max_bytes']);

      const threeByte = 'Qh7!' + '€'.repeat(23); // 4 + 69 = 73 bytes, 27 characters
      expect(policy.violations(threeByte)).toEqual(['max_bytes']);
    });
  });

  describe('character classes', () => {
    it('needs an uppercase letter', () => {
      expect(policy.violations('quilt7harbor!')).toEqual(['uppercase']);
    });

    it('needs a lowercase letter', () => {
      expect(policy.violations('QUILT7HARBOR!')).toEqual(['lowercase']);
    });

    it('needs a digit', () => {
      expect(policy.violations('QuiltXHarbor!')).toEqual(['digit']);
    });

    it('needs a special character', () => {
      expect(policy.violations('Quilt7Harbor')).toEqual(['special']);
    });

    it('counts non-ASCII letters as upper and lower case', () => {
      expect(policy.violations('ÄRGER7ÜBEL!é')).toEqual([]);
      expect(policy.violations('ärger7übel!É')).toEqual([]);
    });
  });

  describe('special characters', () => {
    const DOCUMENTED = `!@#$%^&*()_+={}[]|:;'"<>,.?/`;

    it('gives the contracts\' documented list as the examples', () => {
      expect(PASSWORD_SPECIALS).toBe(DOCUMENTED);
      expect([...DOCUMENTED]).toHaveLength(28);
    });

    it.each([...DOCUMENTED])('accepts the documented %s as the only special character', (c) => {
      expect(policy.violations(`Quilt7Harbor${c}`)).toEqual([]);
    });

    it('counts every ASCII character that is not a letter or a digit, space included', () => {
      const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
      const others = ascii.filter((c) => !/[A-Za-z0-9]/.test(c));
      expect(others).toHaveLength(33); // 32 punctuation characters and the space
      for (const c of others) expect([c, policy.violations(`Quilt7Harbor${c}`)]).toEqual([c, []]);
    });

    it.each(['-', '~', '`', '\\', ' ', '€', '§', '¡', '¿', '«', '—', '…', '°', '±', '©', '😀', '\u00a0', '\u3000', '、'])(
      'counts %j as special',
      (c) => {
        expect(policy.violations(`Quilt7Harbor${c}`)).toEqual([]);
      },
    );

    it.each(['\t', '\n', '\u0301', 'é', 'ß', '٣', '七'])('does not count the letter, digit, mark or control %j', (c) => {
      expect(policy.violations(`Quilt7Harbor${c}`)).toEqual(['special']);
    });

    it.each(['Correct-Horse-Battery-9', 'Zebra~Kettle~Violin~42', 'Purple Lantern Orbit 7', 'Grüne Äpfel im Mai 2026'])(
      'accepts the passphrase %j',
      (password) => {
        expect(policy.violations(password)).toEqual([]);
      },
    );

    it('describes the rule without limiting it to the documented list', () => {
      expect(PASSWORD_RULE_TEXT.special).toBe(
        'a special character (any character that is not a letter or a digit, such as !@#$%^&*-~ or a space)',
      );
      expect(SPECIAL_CHARACTER.flags).toContain('u');
    });
  });

  describe('PASSWORD_POLICY=length (NIST SP 800-63B)', () => {
    const length = new PasswordPolicy('length');

    it('needs 15 characters and nothing else but the byte limit and the common list', () => {
      expect(length.minLength).toBe(15);
      expect(length.rules).toEqual(['min_length', 'max_bytes', 'common']);
      expect(length.violations('correct horse battery')).toEqual([]);
      expect(length.violations('lowercaseonlyxy')).toEqual([]); // 15 characters
      expect(length.violations('lowercaseonlyx')).toEqual(['min_length']); // 14
      expect(length.violations('Quilt7Harbor!')).toEqual(['min_length']); // meets composition, too short
    });

    it('counts characters, not bytes', () => {
      expect(length.violations('ééééééééééééééé')).toEqual([]);
      expect(length.violations('😀'.repeat(14))).toEqual(['min_length']);
      expect(length.violations('😀'.repeat(15))).toEqual([]); // 60 bytes
      expect(length.violations('😀'.repeat(19))).toEqual(['max_bytes']); // 76 bytes
    });

    it('still rejects common passwords', () => {
      expect(length.violations('passwordpassword')).toEqual(['common']);
      expect(length.violations('1qaz2wsx3edc4rfv')).toEqual(['common']);
      expect(length.violations('123456789987654321')).toEqual(['common']);
      expect(length.violations('password')).toEqual(['min_length', 'common']);
    });

    it('names 15 characters in its rule text', () => {
      expect(length.ruleText.min_length).toBe('at least 15 characters');
      expect(new PasswordPolicy().ruleText).toEqual(PASSWORD_RULE_TEXT);
      expect(PASSWORD_RULE_TEXT.min_length).toBe('at least 8 characters');
    });
  });

  describe('common passwords', () => {
    it('ships a list of at least the 10,000 most common passwords', () => {
      const list = dictionary['passwords-common'] as string[];
      expect(list.length).toBeGreaterThanOrEqual(10_000);
      // Spot checks from the top and from near the 10,000th entry of the frequency list.
      for (const password of [list[0], list[1], list[9_999]]) {
        expect(policy.violations(password)).toContain('common');
      }
    });

    it('rejects common passwords in any letter case', () => {
      expect(policy.violations('password')).toContain('common');
      expect(policy.violations('PaSsWoRd')).toContain('common');
      expect(policy.violations('iloveyou')).toContain('common');
    });

    it('rejects a common password even when it meets every other rule', () => {
      expect(policy.violations('P@ssw0rd')).toEqual(['common']);
    });

    it.each(['Password1!', 'Password12!', 'Password123!', 'Password2024!', 'Welcome1!', 'Dragon2024!', 'Football1#', 'Qwerty123!', 'Letmein1?'])(
      'rejects the decorated common word %s',
      (password) => {
        expect(policy.violations(password)).toEqual(['common']);
      },
    );

    it('only counts decorations of the 10,000 most common words, and of at most 5 characters', () => {
      expect(policy.violations('Newpassword1!')).toEqual([]); // "newpassword" ranks below 10,000
      expect(policy.violations('Password123456!')).toEqual([]); // 7 characters of decoration
    });

    it('does not flag longer passphrases that merely contain a common word', () => {
      expect(policy.violations('Password4Quilting!')).toEqual([]);
      expect(policy.violations('MyDragonHarbor7!')).toEqual([]);
    });
  });

  describe('reporting', () => {
    it('lists every failed rule at once', () => {
      expect(policy.violations('abc')).toEqual(['min_length', 'uppercase', 'digit', 'special']);
      expect(policy.violations('')).toEqual(['min_length', 'uppercase', 'lowercase', 'digit', 'special']);
      expect(policy.violations('password')).toEqual(['uppercase', 'digit', 'special', 'common']);
    });

    it('throws a 400 password_policy ApiError naming the violations', () => {
      let thrown: unknown;
      try {
        policy.assert('password');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(PasswordPolicyError);
      expect(thrown).toBeInstanceOf(ApiError);
      const error = thrown as PasswordPolicyError;
      expect(error.status).toBe(400);
      expect(error.code).toBe('password_policy');
      expect(error.violations).toEqual(['uppercase', 'digit', 'special', 'common']);
      expect(error.details).toEqual({ violations: ['uppercase', 'digit', 'special', 'common'] });
    });
  });
});
