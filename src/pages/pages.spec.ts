import 'reflect-metadata';
import { AppConfig } from '../config/app-config.js';
import { parseEnv } from '../config/env.js';
import { Presentation } from '../presentation/presentation.js';
import { pageCsp, prefersHtml } from './page-headers.js';

const presentation = new Presentation(
  new AppConfig(parseEnv({ JWT_SECRET: 'j'.repeat(40), RESET_SECRET: 'r'.repeat(40), NODE_ENV: 'test', DATA_DIR: '/nonexistent-data-dir' })),
);

describe('hosted pages', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['application/json, text/html;q=0.9', false],
    ['text/html', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html;q=0', false],
  ])('prefersHtml(%p) is %p', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });

  it('marks the failed rules and every other shown rule as met after a refusal; "too long" only when it is', () => {
    const rules = presentation.rules('en', ['common', 'uppercase']);
    expect(rules.filter((r) => r.state === 'unmet').map((r) => r.id).sort()).toEqual(['common', 'uppercase']);
    expect(rules.filter((r) => !r.hidden).every((r) => r.state === 'met' || r.state === 'unmet')).toBe(true);
    expect(rules.find((r) => r.id === 'max_bytes')!.hidden).toBe(true);
    expect(presentation.rules('en').every((r) => r.state === '')).toBe(true);
    const tooLong = presentation.rules('en', ['max_bytes']).find((r) => r.id === 'max_bytes')!;
    expect(tooLong).toMatchObject({ hidden: false, state: 'unmet' });
    expect(rules.map((r) => r.text).join(' ')).not.toMatch(/byte/i);
  });

  it('escapes values and speaks the page language', () => {
    const html = presentation.renderPage('reset-form', { locale: 'de', token: '"><script>x</script>' });
    expect(html).toContain('<html lang="de">');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
    expect(html).toContain('Neues Passwort wählen');
  });

  it('lists and checks the rules of PASSWORD_POLICY, with the server\'s definition of a special character', () => {
    const html = presentation.renderPage('reset-form', { locale: 'en', token: 't' });
    const pattern = new RegExp(/data-special-pattern="([^"]+)"/.exec(html)![1], 'u');
    for (const passphrase of ['Correct-Horse-Battery-9', 'Zebra~Kettle~Violin~42', 'four words with spaces']) expect(pattern.test(passphrase)).toBe(true);
    expect(pattern.test('Password1')).toBe(false);
    expect(presentation.rules('en').map((r) => r.id)).toEqual(['min_length', 'uppercase', 'lowercase', 'digit', 'special', 'common', 'max_bytes']);
    const byLength = new Presentation(
      new AppConfig(parseEnv({ JWT_SECRET: 'j'.repeat(40), RESET_SECRET: 'r'.repeat(40), NODE_ENV: 'test', DATA_DIR: '/nonexistent-data-dir', PASSWORD_POLICY: 'length' })),
    );
    const rules = byLength.rules('en');
    expect(rules.map((r) => r.id)).toEqual(['min_length', 'common', 'max_bytes']);
    expect(rules[0].text).toBe('at least 15 characters');
    expect(byLength.renderPage('reset-form', { locale: 'en', token: 't' })).toContain('data-min-length="15"');
  });

  it('allows the logo origin as an image source only when a logo is set', () => {
    expect(pageCsp()).toContain("img-src 'self' data:;");
    expect(pageCsp('https://cdn.acme.test/logo.png')).toContain("img-src 'self' data: https://cdn.acme.test;");
  });
});
