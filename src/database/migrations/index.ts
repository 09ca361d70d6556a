import { Accounts1732300000000 } from './1732300000000-accounts.js';

/** Every migration, in order. Migrations run at start-up. */
export const MIGRATIONS = [Accounts1732300000000];
