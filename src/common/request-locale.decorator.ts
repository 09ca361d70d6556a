import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { type Locale, resolveLocale } from '../locale/locale.js';

/** Where a route reads the language asked for, in this order: a body field, a query parameter, Accept-Language. */
export interface LocaleSources {
  body?: string;
  query?: string;
  acceptLanguage?: boolean;
}

/** What the request asked for, before DEFAULT_LOCALE applies. */
interface LocaleChoice {
  explicit: unknown[];
  acceptLanguage: unknown;
}

const field = (value: unknown, name: string | undefined): unknown =>
  name !== undefined && typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

function choiceOf(request: FastifyRequest, sources: LocaleSources): LocaleChoice {
  return {
    explicit: [field(request.body, sources.body), field(request.query, sources.query)],
    acceptLanguage: sources.acceptLanguage ? request.headers['accept-language'] : undefined,
  };
}

/** The first supported locale among the request's sources, else `fallback` (see resolveLocale). */
export function localeOf(request: FastifyRequest, sources: LocaleSources, fallback: string): Locale {
  const { explicit, acceptLanguage } = choiceOf(request, sources);
  return resolveLocale(explicit, acceptLanguage, fallback);
}

/** Resolves the request's choice against DEFAULT_LOCALE, which only the configuration knows. */
@Injectable()
export class DefaultLocalePipe implements PipeTransform<LocaleChoice, Locale> {
  constructor(private readonly config: AppConfig) {}

  transform({ explicit, acceptLanguage }: LocaleChoice): Locale {
    return resolveLocale(explicit, acceptLanguage, this.config.mail.defaultLocale);
  }
}

const requestChoice = createParamDecorator((sources: LocaleSources, context: ExecutionContext): LocaleChoice =>
  choiceOf(context.switchToHttp().getRequest<FastifyRequest>(), sources),
);

/**
 * The language of the answer and its emails: the first supported locale among the sources the
 * contract reads (`@RequestLocale({ body: 'locale', query: 'locale', acceptLanguage: true })`),
 * else DEFAULT_LOCALE. An unsupported value is passed over, never refused.
 */
export const RequestLocale = (sources: LocaleSources): ParameterDecorator => requestChoice(sources, DefaultLocalePipe);
