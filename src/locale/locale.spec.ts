import { resolveLocale, SUPPORTED_LOCALES } from './locale.js';

describe('resolveLocale', () => {
  it('supports the eight languages of the catalogues', () => {
    expect([...SUPPORTED_LOCALES].sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'nl', 'pl', 'pt']);
  });

  it('prefers explicit choices in order', () => {
    expect(resolveLocale(['de', 'en'], 'en', 'en')).toBe('de');
    expect(resolveLocale([undefined, 'DE-at'], 'en', 'en')).toBe('de');
    expect(resolveLocale(['pt_BR'], undefined, 'en')).toBe('pt');
  });

  it('skips unsupported and non-string choices', () => {
    expect(resolveLocale(['xx', ['de'], 42], undefined, 'en')).toBe('en');
  });

  it('ranks Accept-Language by quality', () => {
    expect(resolveLocale([], 'ja;q=1, en;q=0.5, de;q=0.8', 'en')).toBe('de');
    expect(resolveLocale([], 'de;q=0, en', 'de')).toBe('en');
    expect(resolveLocale([], 'fr-CH, fr;q=0.9, en;q=0.8', 'en')).toBe('fr');
    expect(resolveLocale([], 'nl-BE;q=0.3, pl;q=0.7', 'en')).toBe('pl');
  });

  it('falls back to the default', () => {
    expect(resolveLocale([], 'ja, zh', 'de')).toBe('de');
    expect(resolveLocale([], '*', 'it')).toBe('it');
    expect(resolveLocale([], undefined, 'xx')).toBe('en');
  });
});
