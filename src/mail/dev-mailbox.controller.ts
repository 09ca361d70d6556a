import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DevMailbox } from './dev-mailbox.js';

/** Development only (not mounted with NODE_ENV=production): what the dev transport kept. */
@ApiTags('development')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(private readonly mailbox: DevMailbox) {}

  @Get()
  @ApiOperation({ summary: 'Messages the dev transport kept, newest first (SMTP_URL unset)' })
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
  list() {
    return this.mailbox.list();
  }
}
