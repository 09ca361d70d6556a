// The database's own limit for POST /auth/refresh: the statements one refresh issues (captured
// from a service instance, never a hand-copied list) replayed with `pg` from this bare process,
// at the same concurrency and through a pool of the same size as the service's. Each replaying
// loop rotates a session of its own, as a client does: the token it presents is the one its
// previous transaction inserted. Used by bench/tokens.mjs on PostgreSQL, service stopped.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { captureStatements, replay } from './reset-request-baseline.mjs';

const json = (res) => res.json();
const post = (url, path, body) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const claimsOf = (accessToken) => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString());

/** The statements of one refresh (after a login and a first refresh), with the session and account it rotated. */
export async function captureRefresh({ env, account: [username, password] }) {
  let token;
  let rotated;
  const statements = await captureStatements({
    env,
    warmup: async (url) => {
      const first = await json(await post(url, '/auth/login', { username, password }));
      token = (await json(await post(url, '/auth/refresh', { refresh_token: first.refresh_token }))).refresh_token;
      if (!token) throw new Error('capture: the warm-up refresh failed');
    },
    request: async (url) => {
      const res = await post(url, '/auth/refresh', { refresh_token: token });
      if (res.status !== 200) throw new Error(`capture: the refresh answered ${res.status}`);
      const claims = claimsOf((await res.json()).access_token);
      rotated = { sessionId: claims.sid, userId: claims.sub };
    },
  });
  return { statements, ...rotated };
}

/**
 * The captured parameters for another chain: its session and account; the transaction's first
 * hash (`seen` counts them over its statements) is the token presented, any later one the new one.
 */
function substitute(values, captured, chain, nextHash, seen) {
  const map = (v) => {
    if (v && typeof v === 'object' && '$buffer' in v) return seen.buffers++ === 0 ? chain.hash : nextHash;
    if (v && typeof v === 'object' && '$date' in v) return new Date();
    if (Array.isArray(v)) return v.map(map);
    if (v === captured.sessionId) return chain.sessionId;
    if (v === captured.userId) return chain.userId;
    return v;
  };
  return values.map(map);
}

/** Replays the captured refresh from `connections` loops, each on a live session of its own, for `seconds`. */
export async function runRefreshBaseline({ databaseUrl, statements, sessionId, userId, connections, seconds, poolSize = 10 }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  try {
    const { rows } = await pool.query(
      `SELECT id, user_id FROM sessions WHERE revoked_at IS NULL AND expires_at > now() AND id <> $1 ORDER BY created_at DESC LIMIT $2`,
      [sessionId, connections],
    );
    if (rows.length < connections) throw new Error(`refresh baseline: ${rows.length} live sessions, ${connections} needed`);
    const chains = [];
    for (const row of rows) {
      const hash = randomBytes(32);
      await pool.query(`INSERT INTO refresh_tokens (session_id, token_hash) VALUES ($1, $2)`, [row.id, hash]);
      chains.push({ sessionId: row.id, userId: row.user_id, hash });
    }
    // Which statement uses the presented token up: it must find it, or the replay did not rotate.
    const use = statements.findIndex((s) => /UPDATE "?refresh_tokens"?/i.test(s.text));
    const result = await replay(pool, chains.length, seconds, async (client, loop) => {
      const chain = chains[loop];
      const nextHash = randomBytes(32);
      const seen = { buffers: 0 };
      for (const [k, s] of statements.entries()) {
        const res = await client.query(s.text, substitute(s.values, { sessionId, userId }, chain, nextHash, seen));
        if (k === use && res.rowCount !== 1) throw new Error('the presented refresh token was not used up');
      }
      chain.hash = nextHash;
    });
    return { ...result, statements: statements.map((s) => s.text.replace(/\s+/g, ' ').trim()) };
  } finally {
    await pool.end();
  }
}
