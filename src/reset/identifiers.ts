import { createHmac } from 'node:crypto';
import { normalizeEmail } from '../users/users.service.js';

/**
 * An account name as a client types it (username or email address), in the form every budget
 * is keyed by: an email address normalized as lookups normalize it, a username lower-cased.
 * It depends only on the string, never on whether an account has that name, so a budget keyed
 * by it behaves the same for known and unknown names.
 */
export function normalizeIdentifier(raw: string): string {
  return raw.includes('@') ? normalizeEmail(raw) : raw.trim().toLowerCase();
}

/**
 * Keyed hashes of account names (HMAC-SHA256 under a key derived from RESET_SECRET): what
 * throttles and stand-in requests store instead of the name itself.
 */
export class IdentifierKeys {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('identifier-keys/v1').digest();
  }

  /** The key of a name as typed (normalized first). */
  of(raw: string): string {
    return createHmac('sha256', this.key).update(normalizeIdentifier(raw)).digest('base64url');
  }

  /** The keys of every name an account can be named by: its username and each address. */
  ofAccount(account: { username: string; emails?: { email: string }[] }): string[] {
    return [account.username, ...(account.emails ?? []).map((e) => e.email)].map((name) => this.of(name));
  }
}
