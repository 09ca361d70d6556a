import { Accounts1732300000000 } from './1732300000000-accounts.js';
import { PasswordReset1732300000001 } from './1732300000001-password-reset.js';
import { GuessingLimits1732300000002 } from './1732300000002-guessing-limits.js';
import { MailOutboxNotify1732300000003 } from './1732300000003-mail-outbox-notify.js';
import { Sessions1732300000004 } from './1732300000004-sessions.js';
import { AccountEvents1732300000007 } from './1732300000007-account-events.js';
import { NormalizeEmails1796100000000 } from './1796100000000-normalize-emails.js';
import { ServiceClients1796100000001 } from './1796100000001-service-clients.js';
import { DisabledAccounts1796100000002 } from './1796100000002-disabled-accounts.js';
import { EmailVerification1796100000003 } from './1796100000003-email-verification.js';
import { LoginTryFunction1796100000004 } from './1796100000004-login-try-function.js';
import { CodeSlotFunction1796100000005 } from './1796100000005-code-slot-function.js';

/** Every migration, in order. Migrations run at start-up. */
export const MIGRATIONS = [
  Accounts1732300000000,
  PasswordReset1732300000001,
  GuessingLimits1732300000002,
  MailOutboxNotify1732300000003,
  Sessions1732300000004,
  AccountEvents1732300000007,
  NormalizeEmails1796100000000,
  ServiceClients1796100000001,
  DisabledAccounts1796100000002,
  EmailVerification1796100000003,
  LoginTryFunction1796100000004,
  CodeSlotFunction1796100000005,
];
