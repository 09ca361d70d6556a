import type { FastifyReply } from 'fastify';
import type { DevMessage } from '../mail/dev-mailbox.js';
import type { Presentation } from '../presentation/presentation.js';
import { MAILBOX_CSP, setPageHeaders } from '../pages/page-headers.js';

/**
 * The dev mailbox as a page (views/mailbox.hbs): the kept messages newest first, and one of them
 * (`?id=`, else the newest) rendered in a sandboxed frame served by DevMailboxFrameController.
 */
export function renderMailboxPage(presentation: Presentation, reply: FastifyReply, messages: DevMessage[], selectedId?: string): string {
  setPageHeaders(reply, MAILBOX_CSP);
  const selected = messages.find((m) => m.id === selectedId) ?? messages[0];
  return presentation.renderPage('mailbox', {
    locale: 'en',
    title: 'Dev mailbox',
    wide: true,
    selected,
    messages: messages.map((m) => ({ ...m, current: m.id === selected?.id })),
  });
}

/** A message's HTML for the frame: links open in the top window (the frame is sandboxed). */
export function mailFrameHtml(html: string): string {
  const base = '<base target="_top">';
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${base}`) : `${base}${html}`;
}
