import 'reflect-metadata';
import { AppConfig } from '../config/app-config.js';
import { parseEnv } from '../config/env.js';
import { Presentation } from './presentation.js';
import { SUPPORTED_LOCALES } from '../locale/locale.js';
import { MAIL_TEMPLATES } from './mail-templates.js';

const SECRETS = { JWT_SECRET: 'j'.repeat(40), RESET_SECRET: 'r'.repeat(40), NODE_ENV: 'test', DATA_DIR: '/nonexistent-data-dir' };
const presentation = (env: Record<string, string> = {}) => new Presentation(new AppConfig(parseEnv({ ...SECRETS, ...env })));

const params = { username: '<b>eve</b>', code: '012345', link: 'http://x/reset-password?token=abc', ttlMinutes: 15, expiresAt: '2026-01-01 10:00' };
const PARAMS = {
  'reset-code': params,
  'set-password': params,
  'password-changed': { username: 'eve', changedAt: '2026-01-01 10:00' },
  'code-guessing-alert': { username: 'eve', attemptedAt: '2026-01-01 10:00' },
  'email-verification': { username: 'eve', email: 'eve@example.com', code: '012345', link: 'http://x/verify-email?token=abc', expiresAt: '2026-01-01 10:00' },
};

describe('email rendering', () => {
  const p = presentation();

  it('keeps the code and the link on lines of their own in the text part', () => {
    const lines = p.renderMail('reset-code', 'en', params).text.split('\n');
    expect(lines).toContain('012345');
    expect(lines).toContain('http://x/reset-password?token=abc');
  });

  it('escapes HTML in the HTML part only', () => {
    const mail = p.renderMail('reset-code', 'en', params);
    expect(mail.html).toContain('&lt;b&gt;eve&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>eve</b>');
    expect(mail.text).toContain('<b>eve</b>');
  });

  it('has a button for the link, the code large, the validity and what to do if it was not you; no test-only attributes', () => {
    const { html } = p.renderMail('reset-code', 'en', params);
    expect(html).toMatch(/<a href="http:\/\/x\/reset-password\?token(=|&#x3D;)abc" style="display:inline-block;[^"]*">Choose a new password<\/a>/);
    expect(html).toMatch(/font-size:32px[^>]*>012345</);
    expect(html).toContain('valid for 15 minutes (until 2026-01-01 10:00 UTC)');
    expect(html).toContain('If you did not ask for this');
    expect(html).not.toContain('data-testid');
  });

  it.each(SUPPORTED_LOCALES)('renders every template in %s, with a subject of one line', (locale) => {
    for (const name of MAIL_TEMPLATES) {
      const mail = p.renderMail(name, locale, PARAMS[name]);
      expect(mail.subject).toMatch(/^\S.*\S$/);
      expect(mail.html).toContain(`<html lang="${locale}">`);
      expect(mail.text).not.toMatch(/\n{3}/);
      expect(`${mail.subject}${mail.text}${mail.html}`).not.toMatch(/\bmail\.[a-zA-Z]+\.|\{\{|\}\}/);
    }
  });

  it('asks a new account to choose its password, with the link and the code', () => {
    const mail = p.renderMail('set-password', 'en', params);
    expect(mail.subject).toBe('Set your password');
    expect(mail.text.split('\n')).toEqual(expect.arrayContaining(['012345', 'http://x/reset-password?token=abc']));
    expect(mail.html).toContain('Choose your password</a>');
  });

  it('renders German', () => {
    expect(p.renderMail('reset-code', 'de', params).subject).toBe('Passwort zurücksetzen');
    expect(p.renderMail('password-changed', 'de', PARAMS['password-changed']).subject).toBe('Ihr Passwort wurde geändert');
  });

  it('names the brand and the support contact when set', () => {
    const branded = presentation({ BRAND_NAME: 'Acme', SUPPORT_EMAIL: 'help@acme.test' }).renderMail('password-changed', 'en', PARAMS['password-changed']);
    expect(branded.subject).toBe('Acme: Your password was changed');
    expect(branded.text).toContain('your Acme account');
    expect(branded.text).toContain('Contact help@acme.test.');
  });

  it('fails loudly on a missing parameter rather than sending a broken mail', () => {
    expect(() => p.renderMail('reset-code', 'en', { username: 'x' })).toThrow();
  });

  it('renders the code-guessing alert in English and German from { username, attemptedAt }', () => {
    const en = p.renderMail('code-guessing-alert', 'en', { username: 'eve', attemptedAt: '2026-01-01 10:00' });
    expect(en.subject).toBe('Someone is trying to reset your password');
    expect(en.text).toContain('Hello eve,');
    expect(en.text).toContain('2026-01-01 10:00 UTC');
    expect(p.renderMail('code-guessing-alert', 'de', { username: 'eve', attemptedAt: 'x' }).subject).toBe('Jemand versucht, Ihr Passwort zurückzusetzen');
    expect(() => p.renderMail('code-guessing-alert', 'en', { username: 'eve' })).toThrow();
  });
});
