import { Controller, Get, Header, NotFoundException, Redirect } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequestLocale } from '../common/request-locale.decorator.js';
import { Presentation } from '../presentation/presentation.js';

/** The site's front door: `/` leads to "Forgot your password?", plus the favicon and the brand stylesheet. */
@ApiExcludeController()
@Controller()
export class SiteController {
  constructor(private readonly presentation: Presentation) {}

  @Get()
  @Redirect('/reset-password/request', 302)
  home(@RequestLocale({ query: 'locale', acceptLanguage: true }) locale: string) {
    return { url: `/reset-password/request?locale=${locale}` };
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
