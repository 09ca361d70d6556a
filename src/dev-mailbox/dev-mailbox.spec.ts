import 'reflect-metadata';
import { AppModule } from '../app.module.js';
import { MailModule } from '../mail/mail.module.js';
import { PagesModule } from '../pages/pages.module.js';
import { ResetPasswordPagesController } from '../pages/reset-password.controller.js';
import { DevMailboxFrameController } from './dev-mailbox-frame.controller.js';
import { mailFrameHtml } from './dev-mailbox-page.js';
import { DevMailboxController } from './dev-mailbox.controller.js';
import { DevMailboxModule } from './dev-mailbox.module.js';

describe('dev mailbox', () => {
  it('mounts the dev mailbox page and its message frame only through DevMailboxModule, which the app imports only while the dev mailbox is on (not with SMTP_URL; production: see the devMailboxEnabled spec)', () => {
    expect(Reflect.getMetadata('controllers', PagesModule)).toContain(ResetPasswordPagesController);
    expect(Reflect.getMetadata('controllers', PagesModule)).not.toContain(DevMailboxFrameController);
    expect(Reflect.getMetadata('controllers', MailModule) ?? []).not.toContain(DevMailboxController);
    expect(Reflect.getMetadata('controllers', DevMailboxModule)).toEqual([DevMailboxController, DevMailboxFrameController]);
    const imported = (env: Record<string, string>) => (AppModule.forRoot(env).imports ?? []).includes(DevMailboxModule);
    expect(imported({})).toBe(true);
    expect(imported({ SMTP_URL: 'smtp://mail:25' })).toBe(false);
  });

  it('makes links in a framed message open in the top window', () => {
    expect(mailFrameHtml('<html><head><title>x</title></head></html>')).toBe('<html><head><base target="_top"><title>x</title></head></html>');
    expect(mailFrameHtml('<p>no head</p>')).toBe('<base target="_top"><p>no head</p>');
  });

});
