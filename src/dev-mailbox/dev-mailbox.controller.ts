import { Controller, Get, Headers, Query, Res, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorDto } from '../common/swagger.js';
import type { FastifyReply } from 'fastify';
import { renderMailboxPage } from './dev-mailbox-page.js';
import { prefersHtml } from '../pages/page-headers.js';
import { DevMailboxAccessGuard } from './dev-mailbox-access.js';
import { Presentation } from '../presentation/presentation.js';
import { DevMailbox } from '../mail/dev-mailbox.js';

/**
 * Development only (mounted by DevMailboxModule, never in production or with SMTP_URL; clients on
 * this machine only): what the dev transport kept. JSON for API clients; a browser (Accept:
 * text/html) gets the mailbox page with one message rendered.
 */
@ApiTags('development')
@UseGuards(DevMailboxAccessGuard)
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(
    private readonly mailbox: DevMailbox,
    private readonly presentation: Presentation,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Messages the dev transport kept, newest first (SMTP_URL unset)',
    description:
      'JSON unless the Accept header prefers text/html: browsers get the mailbox page (`?id=` picks the message shown). ' +
      'Only for clients on this machine (loopback, not relayed by a proxy); not mounted in production or with SMTP_URL set.',
  })
  @ApiForbiddenResponse({ type: ErrorDto, description: '`forbidden`: the client is not on this machine' })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          to: { type: 'string' },
          subject: { type: 'string' },
          text: { type: 'string' },
          html: { type: 'string' },
          sent_at: { type: 'string', format: 'date-time' },
        },
      },
    },
  })
  async list(
    @Headers('accept') accept: unknown,
    @Query('id') id: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const messages = await this.mailbox.list();
    if (prefersHtml(accept)) return renderMailboxPage(this.presentation, reply, messages, typeof id === 'string' ? id : undefined);
    return messages;
  }
}
