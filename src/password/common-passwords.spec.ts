import { dictionary } from '@zxcvbn-ts/language-common';
import { CommonPasswords } from './common-passwords.js';

describe('CommonPasswords', () => {
  describe('on a small list', () => {
    const list = new CommonPasswords(['password', 'Dragon', 'abc', 'password', 'zzz', 'abcd'], 2);

    it('finds every word, lower-cased, and nothing else', () => {
      for (const word of ['password', 'dragon', 'abc', 'zzz', 'abcd']) expect(list.has(word)).toBe(true);
      for (const word of ['', 'ab', 'abcde', 'passwor', 'passwords', 'Dragon', 'zzzz', 'a', '~']) expect(list.has(word)).toBe(false);
      expect(list.size).toBe(5);
    });

    it('marks the first topCount entries of the frequency order as the most common', () => {
      expect(list.isTop('password')).toBe(true);
      expect(list.isTop('dragon')).toBe(true);
      expect(list.isTop('abc')).toBe(false);
      expect(list.isTop('zzz')).toBe(false);
      expect(list.isTop('nothere')).toBe(false);
    });

    it('handles an empty list', () => {
      const empty = new CommonPasswords([], 10);
      expect(empty.has('password')).toBe(false);
      expect(empty.isTop('')).toBe(false);
    });
  });

  describe("on zxcvbn's list", () => {
    const words = (dictionary['passwords-common'] as string[]).map((w) => w.toLowerCase());
    const loaded = CommonPasswords.load(10_000);
    const all = new Set(words);
    const top = new Set(words.slice(0, 10_000));

    it('holds every word of the package and agrees with a Set of them', () => {
      expect(loaded.size).toBe(all.size);
      expect(words.filter((word) => !loaded.has(word))).toEqual([]);
      expect(words.filter((word) => loaded.isTop(word) !== top.has(word))).toEqual([]);
    });

    it('agrees with the Set on words that are not on the list', () => {
      const probes = words.slice(0, 5_000).flatMap((w) => [`${w}x`, w.slice(0, -1), `0${w}`, w.toUpperCase()]);
      expect(probes.filter((probe) => loaded.has(probe) !== all.has(probe))).toEqual([]);
      expect(probes.filter((probe) => loaded.isTop(probe) !== top.has(probe))).toEqual([]);
      // The probes are not all trivially absent: some are words of their own.
      expect(probes.filter((probe) => all.has(probe)).length).toBeGreaterThan(100);
    });
  });
});
