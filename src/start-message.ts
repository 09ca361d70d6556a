import type { AppConfig } from './config/app-config.js';

/**
 * What the service prints once it listens: where to go next. The base URL (PUBLIC_URL), the
 * Swagger UI, and the dev mailbox when emails land there (development without SMTP_URL).
 */
export function whereToGo(config: AppConfig): string[] {
  const lines = [`Service ready: ${config.publicUrl}`, `Swagger UI (try the API): ${config.publicUrl}/docs`];
  if (!config.production && !config.mail.smtpUrl) {
    lines.push(`Dev mailbox (emails land here while SMTP_URL is unset): ${config.publicUrl}/dev/mailbox`);
  }
  return lines;
}
