import { resolveLocale } from './locale.js';

describe('resolveLocale', () => {
  it('prefers explicit choices in order', () => {
    expect(resolveLocale(['de', 'en'], 'en', 'en')).toBe('de');
    expect(resolveLocale([undefined, 'DE-at'], 'en', 'en')).toBe('de');
  });

  it('skips unsupported and non-string choices', () => {
    expect(resolveLocale(['fr', ['de'], 42], undefined, 'en')).toBe('en');
  });

  it('ranks Accept-Language by quality', () => {
    expect(resolveLocale([], 'fr;q=1, en;q=0.5, de;q=0.8', 'en')).toBe('de');
    expect(resolveLocale([], 'de;q=0, en', 'de')).toBe('en');
  });

  it('falls back to the default', () => {
    expect(resolveLocale([], 'fr, es', 'de')).toBe('de');
    expect(resolveLocale([], undefined, 'xx')).toBe('en');
  });
});
