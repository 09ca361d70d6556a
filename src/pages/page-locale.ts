import type { LocaleSources } from '../common/request-locale.decorator.js';

/** A page's language: `?locale=`, else Accept-Language. */
export const PAGE_QUERY_LOCALE: LocaleSources = { query: 'locale', acceptLanguage: true };

/** A form's own `locale` field comes first (the page it was sent from was in that language). */
export const PAGE_FORM_LOCALE: LocaleSources = { body: 'locale', ...PAGE_QUERY_LOCALE };
