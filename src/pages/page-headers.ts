import type { FastifyReply } from 'fastify';

/**
 * The hosted pages' Content-Security-Policy: only our own stylesheet and script, no inline
 * code, forms post only to us, and no framing. It replaces, per response, the API-wide policy
 * that @fastify/helmet sets in src/common/security.ts (which allows inline code for Swagger UI).
 */
export const PAGE_CSP = pageCsp();

/** The page policy; `logoUrl` (BRAND_LOGO_URL) adds the logo's origin to img-src. */
export function pageCsp(logoUrl?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${logoUrl ? ` ${new URL(logoUrl).origin}` : ''}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The dev mailbox page additionally frames one rendered message from its own route. */
export const MAILBOX_CSP = `${PAGE_CSP}; frame-src 'self'`;

/**
 * A rendered email inside the dev mailbox's frame: its inline styles only, no script, sandboxed
 * (links may navigate the top window after a click, or open a new one), framable only by us.
 */
export const MAIL_FRAME_CSP = mailFrameCsp();

/** The frame's policy; `logoUrl` (BRAND_LOGO_URL) lets the email show the brand's logo. */
export function mailFrameCsp(logoUrl?: string): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src data:${logoUrl ? ` ${new URL(logoUrl).origin}` : ''}`,
    "frame-ancestors 'self'",
    'sandbox allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

/** Headers on every hosted HTML page: no caching, no referrer (the URL may hold a token), strict CSP. */
export function setPageHeaders(reply: FastifyReply, csp = PAGE_CSP): void {
  reply
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .header('Referrer-Policy', 'no-referrer')
    .header('Content-Security-Policy', csp)
    .header('X-Frame-Options', csp.includes("frame-ancestors 'self'") ? 'SAMEORIGIN' : 'DENY');
}

/** True when the Accept header asks for HTML at least as much as for JSON (browsers do; curl and API clients do not). */
export function prefersHtml(accept: unknown): boolean {
  if (typeof accept !== 'string' || !accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean) ?? 1);
    if (type === 'text/html' || type === 'application/xhtml+xml') html = Math.max(html, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}
