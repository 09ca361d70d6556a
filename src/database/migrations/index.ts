import { Accounts1732300000000 } from './1732300000000-accounts.js';
import { PasswordReset1732300000001 } from './1732300000001-password-reset.js';
import { Sessions1732300000002 } from './1732300000002-sessions.js';

/** Every migration, in order. Migrations run at start-up. */
export const MIGRATIONS = [Accounts1732300000000, PasswordReset1732300000001, Sessions1732300000002];
