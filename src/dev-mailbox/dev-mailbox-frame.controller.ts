import { Controller, Get, NotFoundException, Param, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DevMailboxAccessGuard } from './dev-mailbox-access.js';
import { DevMailbox } from '../mail/dev-mailbox.js';
import { mailFrameHtml } from './dev-mailbox-page.js';
import { AppConfig } from '../config/app-config.js';
import { mailFrameCsp, setPageHeaders } from '../pages/page-headers.js';

/** Development only (see DevMailboxModule; clients on this machine only): one kept message's HTML, for the mailbox page's frame. */
@ApiExcludeController()
@UseGuards(DevMailboxAccessGuard)
@Controller('dev/mailbox/messages')
export class DevMailboxFrameController {
  private readonly csp: string;

  constructor(
    private readonly mailbox: DevMailbox,
    config: AppConfig,
  ) {
    this.csp = mailFrameCsp(config.brand.logoUrl);
  }

  @Get(':id')
  async message(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const message = (await this.mailbox.list()).find((m) => m.id === id);
    if (!message) throw new NotFoundException('No such message');
    setPageHeaders(reply, this.csp);
    return mailFrameHtml(message.html);
  }
}
