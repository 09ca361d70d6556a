export const SUPPORTED_LOCALES = ['en', 'de'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

function supported(tag: unknown): Locale | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return SUPPORTED_LOCALES.find((l) => l === primary);
}

/**
 * The first supported locale among explicit choices (body, then query), then the
 * Accept-Language header by quality, else the default.
 */
export function resolveLocale(
  explicit: unknown[],
  acceptLanguage: unknown,
  fallback: string,
): Locale {
  for (const choice of explicit) {
    const locale = supported(choice);
    if (locale) return locale;
  }
  const ranked = (typeof acceptLanguage === 'string' ? acceptLanguage : '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q) };
    })
    .filter((l) => l.tag && l.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const locale = supported(tag);
    if (locale) return locale;
  }
  return supported(fallback) ?? 'en';
}
