import type { Locale } from '../mail/locale.js';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_LENGTH, PASSWORD_RULE_TEXT, PASSWORD_SPECIALS, PasswordRule } from '../password/password-policy.js';

/** Every string the hosted pages show, per locale. */
export interface PageMessages {
  language: string;
  resetTitle: string;
  resetIntro: string;
  newPassword: string;
  confirmPassword: string;
  showPasswords: string;
  rulesHeading: string;
  ruleMet: string;
  ruleUnmet: string;
  ruleServerOnly: string;
  submitReset: string;
  errorSummary: string;
  passwordRequired: string;
  passwordPolicy: string;
  stillNeeded: string;
  passwordMismatch: string;
  successTitle: string;
  successBody: string;
  successNotice: string;
  linkErrorTitle: string;
  linkExpired: string;
  linkInvalid: string;
  linkMissing: string;
  requestTitle: string;
  requestIntro: string;
  emailLabel: string;
  emailInvalid: string;
  requestSubmit: string;
  requestSentTitle: string;
  requestSentBody: string;
  tooManyRequests: string;
  haveCode: string;
  haveLink: string;
  codeTitle: string;
  codeIntro: string;
  identifierLabel: string;
  identifierRequired: string;
  codeLabel: string;
  codeHint: string;
  codeFormat: string;
  codeWrong: string;
  codeExpired: string;
  codeLocked: string;
  errorTitle: string;
  errorBody: string;
  rules: Record<PasswordRule, string>;
}

const en: PageMessages = {
  language: 'Language',
  resetTitle: 'Choose a new password',
  resetIntro: 'Enter a new password for your account. Once it is changed, every device that was signed in is signed out.',
  newPassword: 'New password',
  confirmPassword: 'Repeat the new password',
  showPasswords: 'Show passwords',
  rulesHeading: 'The password needs',
  ruleMet: 'met',
  ruleUnmet: 'not met',
  ruleServerOnly: 'checked when you submit',
  submitReset: 'Change password',
  errorSummary: 'Please correct the following:',
  passwordRequired: 'Enter a new password.',
  passwordPolicy: 'The new password does not meet every rule.',
  stillNeeded: 'Still needed',
  passwordMismatch: 'The two passwords do not match.',
  successTitle: 'Your password was changed',
  successBody: 'You can now log in with your new password.',
  successNotice: 'Devices that were signed in with the old password have been signed out, and we have sent a confirmation email.',
  linkErrorTitle: 'This link can no longer be used',
  linkExpired: 'The link has expired: reset links are valid for a limited time only.',
  linkInvalid: 'The link is invalid or was already used: each link works only once.',
  linkMissing: 'The link is incomplete. Open it from the email again, or request a new email.',
  requestTitle: 'Request a new email',
  requestIntro: 'Enter the email address of your account and we will send you a new link and code.',
  emailLabel: 'Email address',
  emailInvalid: 'Enter a valid email address.',
  requestSubmit: 'Send a new email',
  requestSentTitle: 'Check your inbox',
  requestSentBody: 'If an account uses {{email}}, we have sent it an email with a new link and code. It can take a minute to arrive.',
  tooManyRequests: 'Too many requests. Please wait a while and try again.',
  haveCode: 'I have a 6-digit code from the email',
  haveLink: 'Request a new email',
  codeTitle: 'Reset your password with a code',
  codeIntro: 'Enter your username or email address, the 6-digit code from the email, and a new password.',
  identifierLabel: 'Username or email address',
  identifierRequired: 'Enter your username or email address.',
  codeLabel: '6-digit code',
  codeHint: 'The code is in the email we sent you.',
  codeFormat: 'Enter the 6 digits from the email.',
  codeWrong: 'The username or email address and the code do not match an open reset request.',
  codeExpired: 'The code has expired. Request a new email to get a new one.',
  codeLocked: 'Too many wrong codes were entered. Request a new email to get a new code.',
  errorTitle: 'Something went wrong',
  errorBody: 'Please try again in a moment.',
  rules: { ...PASSWORD_RULE_TEXT },
};

const de: PageMessages = {
  language: 'Sprache',
  resetTitle: 'Neues Passwort wählen',
  resetIntro: 'Geben Sie ein neues Passwort für Ihr Konto ein. Nach der Änderung werden alle angemeldeten Geräte abgemeldet.',
  newPassword: 'Neues Passwort',
  confirmPassword: 'Neues Passwort wiederholen',
  showPasswords: 'Passwörter anzeigen',
  rulesHeading: 'Das Passwort braucht',
  ruleMet: 'erfüllt',
  ruleUnmet: 'nicht erfüllt',
  ruleServerOnly: 'wird beim Absenden geprüft',
  submitReset: 'Passwort ändern',
  errorSummary: 'Bitte korrigieren Sie Folgendes:',
  passwordRequired: 'Geben Sie ein neues Passwort ein.',
  passwordPolicy: 'Das neue Passwort erfüllt nicht alle Regeln.',
  stillNeeded: 'Noch nötig',
  passwordMismatch: 'Die beiden Passwörter stimmen nicht überein.',
  successTitle: 'Ihr Passwort wurde geändert',
  successBody: 'Sie können sich jetzt mit Ihrem neuen Passwort anmelden.',
  successNotice: 'Geräte, die mit dem alten Passwort angemeldet waren, wurden abgemeldet, und wir haben Ihnen eine Bestätigung per E-Mail geschickt.',
  linkErrorTitle: 'Dieser Link kann nicht mehr verwendet werden',
  linkExpired: 'Der Link ist abgelaufen: Links zum Zurücksetzen gelten nur für begrenzte Zeit.',
  linkInvalid: 'Der Link ist ungültig oder wurde bereits verwendet: Jeder Link funktioniert nur einmal.',
  linkMissing: 'Der Link ist unvollständig. Öffnen Sie ihn erneut aus der E-Mail oder fordern Sie eine neue E-Mail an.',
  requestTitle: 'Neue E-Mail anfordern',
  requestIntro: 'Geben Sie die E-Mail-Adresse Ihres Kontos ein, und wir senden Ihnen einen neuen Link und Code.',
  emailLabel: 'E-Mail-Adresse',
  emailInvalid: 'Geben Sie eine gültige E-Mail-Adresse ein.',
  requestSubmit: 'Neue E-Mail senden',
  requestSentTitle: 'Sehen Sie in Ihrem Postfach nach',
  requestSentBody: 'Falls ein Konto {{email}} verwendet, haben wir eine E-Mail mit neuem Link und Code geschickt. Es kann eine Minute dauern, bis sie ankommt.',
  tooManyRequests: 'Zu viele Anfragen. Bitte warten Sie eine Weile und versuchen Sie es dann erneut.',
  haveCode: 'Ich habe einen 6-stelligen Code aus der E-Mail',
  haveLink: 'Neue E-Mail anfordern',
  codeTitle: 'Passwort mit Code zurücksetzen',
  codeIntro: 'Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse, den 6-stelligen Code aus der E-Mail und ein neues Passwort ein.',
  identifierLabel: 'Benutzername oder E-Mail-Adresse',
  identifierRequired: 'Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein.',
  codeLabel: '6-stelliger Code',
  codeHint: 'Den Code finden Sie in der E-Mail, die wir Ihnen geschickt haben.',
  codeFormat: 'Geben Sie die 6 Ziffern aus der E-Mail ein.',
  codeWrong: 'Benutzername bzw. E-Mail-Adresse und Code passen zu keiner offenen Anfrage.',
  codeExpired: 'Der Code ist abgelaufen. Fordern Sie eine neue E-Mail an, um einen neuen Code zu erhalten.',
  codeLocked: 'Es wurden zu viele falsche Codes eingegeben. Fordern Sie eine neue E-Mail an, um einen neuen Code zu erhalten.',
  errorTitle: 'Etwas ist schiefgelaufen',
  errorBody: 'Bitte versuchen Sie es gleich noch einmal.',
  rules: {
    min_length: `mindestens ${PASSWORD_MIN_LENGTH} Zeichen`,
    max_bytes: `höchstens ${PASSWORD_MAX_BYTES} Bytes`,
    uppercase: 'einen Großbuchstaben',
    lowercase: 'einen Kleinbuchstaben',
    digit: 'eine Ziffer',
    special: `ein Sonderzeichen (${PASSWORD_SPECIALS})`,
    common: 'kein häufig verwendetes Passwort',
  },
};

export const PAGE_MESSAGES: Record<Locale, PageMessages> = { en, de };

/** The rules in the order the pages list them; `common` needs the server's list. */
export const PAGE_RULES: PasswordRule[] = ['min_length', 'uppercase', 'lowercase', 'digit', 'special', 'common', 'max_bytes'];
export const SERVER_ONLY_RULES: PasswordRule[] = ['common'];
