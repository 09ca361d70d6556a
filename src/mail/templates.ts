/**
 * The emails the service sends. Their subject, HTML and text parts are files under
 * src/presentation/mail/<name>/, their words in src/presentation/locales/; Presentation renders them.
 */
export const MAIL_TEMPLATES = ['reset-code', 'password-changed', 'code-guessing-alert'] as const;
export type TemplateName = (typeof MAIL_TEMPLATES)[number];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
