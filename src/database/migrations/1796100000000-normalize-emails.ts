import { domainToASCII } from 'node:url';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored addresses in the normal form lookups now use (UTS #46 domain, NFC local part), so an
 * address stored before keeps matching. When two stored addresses have one normal form (a
 * look-alike registered beside the real one), the one stored first gets it; the later one is
 * left as it was and no longer matches any lookup.
 */
export class NormalizeEmails1796100000000 implements MigrationInterface {
  name = 'NormalizeEmails1796100000000';

  async up(q: QueryRunner): Promise<void> {
    const rows = (await q.query(`SELECT id, email FROM user_emails ORDER BY created_at, id`)) as { id: string; email: string }[];
    const taken = new Set(rows.map((r) => r.email));
    for (const row of rows) {
      const normal = normalizeEmail(row.email);
      if (normal === row.email || taken.has(normal)) continue;
      await q.query(`UPDATE user_emails SET email = $2 WHERE id = $1`, [row.id, normal]);
      taken.delete(row.email);
      taken.add(normal);
    }
  }

  async down(): Promise<void> {
    // The earlier forms are not kept; they looked up the same accounts.
  }
}

/**
 * The normal form as this migration defined it, frozen here on purpose: a migration is history,
 * and a later change to users/email-address.ts must not change what this step did to a database.
 */
function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.normalize('NFC').toLowerCase();
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase();
  const domain = trimmed.slice(at + 1);
  const ascii = domainToASCII(domain).replace(/\.$/, '');
  return `${local}@${ascii || domain.normalize('NFC').toLowerCase()}`;
}
