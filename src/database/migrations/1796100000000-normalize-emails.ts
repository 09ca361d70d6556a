import { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeEmail } from '../../users/email-address.js';

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
