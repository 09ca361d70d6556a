import { DevMailboxController } from '../mail/dev-mailbox.controller.js';
import { MailModule } from '../mail/mail.module.js';
import { DevMailboxFrameController } from './dev-mailbox-frame.controller.js';
import { mailFrameHtml } from './dev-mailbox-page.js';
import { prefersHtml } from './page-headers.js';
import { PagesModule } from './pages.module.js';
import { ResetPasswordPagesController } from './reset-password.controller.js';
import { renderPage, rulesView } from './templates.js';
import { PAGE_MESSAGES } from './messages.js';

describe('hosted pages', () => {
  it('mounts the dev mailbox page and its message frame only outside production', () => {
    expect(PagesModule.register({ production: true }).controllers).not.toContain(DevMailboxFrameController);
    expect(PagesModule.register({ production: true }).controllers).toContain(ResetPasswordPagesController);
    expect(PagesModule.register({ production: false }).controllers).toContain(DevMailboxFrameController);
    expect(MailModule.register({ production: true }).controllers).not.toContain(DevMailboxController);
    expect(MailModule.register({ production: false }).controllers).toContain(DevMailboxController);
  });

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

  it('makes links in a framed message open in the top window', () => {
    expect(mailFrameHtml('<html><head><title>x</title></head></html>')).toBe('<html><head><base target="_top"><title>x</title></head></html>');
    expect(mailFrameHtml('<p>no head</p>')).toBe('<base target="_top"><p>no head</p>');
  });

  it('marks the failed rules and every other rule as met after a refusal', () => {
    const rules = rulesView(PAGE_MESSAGES.en, ['common', 'uppercase']);
    expect(rules.filter((r) => r.state === 'unmet').map((r) => r.id).sort()).toEqual(['common', 'uppercase']);
    expect(rules.every((r) => r.state === 'met' || r.state === 'unmet')).toBe(true);
    expect(rulesView(PAGE_MESSAGES.en).every((r) => r.state === '')).toBe(true);
  });

  it('has every string in both languages and escapes values', () => {
    expect(Object.keys(PAGE_MESSAGES.de).sort()).toEqual(Object.keys(PAGE_MESSAGES.en).sort());
    const html = renderPage('resetForm', { locale: 'de', token: '"><script>x</script>' });
    expect(html).toContain('<html lang="de">');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });
});
