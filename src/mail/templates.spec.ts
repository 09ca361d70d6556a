import { renderMail } from './templates.js';

const params = { username: '<b>eve</b>', code: '012345', link: 'http://x/reset-password?token=abc', ttlMinutes: 15, expiresAt: '2026-01-01 10:00' };

describe('renderMail', () => {
  it('keeps the code and the link on lines of their own in the text part', () => {
    const { text } = renderMail('reset-code', 'en', params);
    const lines = text.split('\n');
    expect(lines).toContain('012345');
    expect(lines).toContain('http://x/reset-password?token=abc');
  });

  it('escapes HTML in the HTML part only', () => {
    const mail = renderMail('reset-code', 'en', params);
    expect(mail.html).toContain('&lt;b&gt;eve&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>eve</b>');
    expect(mail.text).toContain('<b>eve</b>');
  });

  it('renders German', () => {
    expect(renderMail('reset-code', 'de', params).subject).toBe('Passwort zurücksetzen');
    expect(renderMail('password-changed', 'de', { username: 'x', changedAt: 'now' }).subject).toBe('Ihr Passwort wurde geändert');
  });

  it('fails loudly on a missing parameter rather than sending a broken mail', () => {
    expect(() => renderMail('reset-code', 'en', { username: 'x' })).toThrow();
  });

  it('renders the code-guessing alert in English and German from { username, attemptedAt }', () => {
    const en = renderMail('code-guessing-alert', 'en', { username: 'eve', attemptedAt: '2026-01-01 10:00' });
    expect(en.subject).toBe('Someone is trying to reset your password');
    expect(en.text).toContain('Hello eve,');
    expect(en.text).toContain('2026-01-01 10:00 UTC');
    expect(renderMail('code-guessing-alert', 'de', { username: 'eve', attemptedAt: 'x' }).subject).toBe('Jemand versucht, Ihr Passwort zurückzusetzen');
    expect(() => renderMail('code-guessing-alert', 'en', { username: 'eve' })).toThrow();
  });
});
