/**
 * The emails the service sends. Their subject, HTML and text parts are files under
 * src/presentation/mail/<name>/, their words in src/presentation/locales/; Presentation renders them.
 */
export const MAIL_TEMPLATES = ['reset-code', 'set-password', 'password-changed', 'code-guessing-alert', 'email-verification'] as const;
export type TemplateName = (typeof MAIL_TEMPLATES)[number];

/**
 * The parameters each email needs. Rendering refuses a message that lacks one (Handlebars' strict
 * mode does not see values passed on to the `t` helper), so a broken email is never sent.
 */
export const MAIL_TEMPLATE_PARAMS: Record<TemplateName, readonly string[]> = {
  'reset-code': ['username', 'code', 'link', 'ttlMinutes', 'expiresAt'],
  'set-password': ['username', 'code', 'link', 'ttlMinutes', 'expiresAt'],
  'password-changed': ['username', 'changedAt'],
  'code-guessing-alert': ['username', 'attemptedAt'],
  'email-verification': ['username', 'email', 'code', 'link', 'expiresAt'],
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
