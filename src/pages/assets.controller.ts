import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PAGES_CSS, RESET_PASSWORD_JS } from './assets.js';

/** The pages' stylesheet and script, as static files from our own origin (the CSP allows only 'self'). */
@ApiExcludeController()
@Controller('assets')
export class PageAssetsController {
  @Get('pages.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  css(): string {
    return PAGES_CSS;
  }

  @Get('reset-password.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  script(): string {
    return RESET_PASSWORD_JS;
  }
}
