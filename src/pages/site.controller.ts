import { Controller, Get, Header, Headers, NotFoundException, Query, Redirect } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';
import { resolveLocale } from '../mail/locale.js';
import { Presentation } from '../presentation/presentation.js';

/** The site's front door: `/` leads to "Forgot your password?", plus the favicon and the brand stylesheet. */
@ApiExcludeController()
@Controller()
export class SiteController {
  constructor(
    private readonly presentation: Presentation,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Redirect('/reset-password/request', 302)
  home(@Query('locale') locale: unknown, @Headers('accept-language') acceptLanguage: unknown) {
    const chosen = resolveLocale([locale], acceptLanguage, this.config.mail.defaultLocale);
    return { url: `/reset-password/request?locale=${chosen}` };
  }

  @Get('favicon.ico')
  @Redirect('/assets/favicon.svg', 301)
  favicon(): void {}

  /** BRAND_COLOR as a stylesheet (the pages' CSP allows no inline style). */
  @Get('theme.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=300')
  theme(): string {
    const css = this.presentation.themeCss();
    if (!css) throw new NotFoundException();
    return css;
  }
}
