import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Negotiator from 'negotiator';

const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'presentation', 'locales');

/**
 * The languages of the pages and emails: one per catalogue in src/presentation/locales/. Any
 * other locale asked for, on any contract or page, falls back (Accept-Language, then DEFAULT_LOCALE).
 */
export const SUPPORTED_LOCALES: readonly string[] = readdirSync(LOCALES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();
export type Locale = string;

/** A supported locale for a language tag (`de`, `DE-at`, `pt_BR` → `de`, `de`, `pt`), else undefined. */
export function supportedLocale(tag: unknown): Locale | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return SUPPORTED_LOCALES.find((l) => l === primary);
}

/**
 * The first supported locale among explicit choices (in the order given), then the
 * Accept-Language header by quality (parsed by negotiator), else the default.
 */
export function resolveLocale(explicit: unknown[], acceptLanguage: unknown, fallback: string): Locale {
  for (const choice of explicit) {
    const locale = supportedLocale(choice);
    if (locale) return locale;
  }
  if (typeof acceptLanguage === 'string' && acceptLanguage.trim()) {
    const preferred = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).languages();
    for (const tag of preferred) {
      const locale = supportedLocale(tag);
      if (locale) return locale;
    }
  }
  return supportedLocale(fallback) ?? 'en';
}
