import type { AppConfig } from './config/app-config.js';

/**
 * What the service prints once it listens: where to go next. The base URL (PUBLIC_URL), the
 * Swagger UI unless DOCS_ENABLED=false, and the dev mailbox when it is on (development without
 * SMTP_URL, for clients on this machine only).
 */
export function whereToGo(config: AppConfig): string[] {
  const lines = [`Service ready: ${config.publicUrl}`];
  if (config.docsEnabled) lines.push(`Swagger UI (try the API): ${config.publicUrl}/docs`);
  if (config.devMailbox) {
    lines.push(`Dev mailbox (emails land here while SMTP_URL is unset): ${config.publicUrl}/dev/mailbox`);
  }
  return lines;
}
