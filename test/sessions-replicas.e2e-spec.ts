/**
 * Sessions across two replicas (`node dist/main.js` on two ports) sharing one fresh PostgreSQL
 * database: one refresh token sent to both at the same moment, reuse after rotation, logout.
 * There is no grace window for a refresh token (README, Tokens and sessions): of two concurrent
 * refreshes with one token exactly one wins and the other is a reuse that ends the session.
 * PostgreSQL only: the default `npm test` does not collect this file (testPathIgnorePatterns);
 * `npm run test:sessions-replicas` runs it.
 */
import pg from 'pg';
import type { TestApp } from './support/app.js';
import { createAccount, TestAccount } from './support/accounts.js';
import { ensureBuilt } from './support/built-app.js';
import { createTestDatabase, serverUrl, TestDatabase } from './support/database.js';
import { HttpResponse } from './support/http.js';
import { ServiceProcess, startReplicas } from './support/service-process.js';

interface Pair {
  access_token: string;
  refresh_token: string;
}

const ROUNDS = 30;

describe('sessions on two replicas of one database', () => {
  let db: TestDatabase;
  let replicas: ServiceProcess[] = [];
  let sql: pg.Client;

  const replica = (i: number) => replicas[i % replicas.length];
  const sessionIdOf = (accessToken: string): string =>
    JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid;

  beforeAll(async () => {
    if (!serverUrl()) throw new Error('the session replica suite needs DATABASE_URL=postgres://… (run it with npm run test:sessions-replicas)');
    ensureBuilt();
    db = await createTestDatabase();
    replicas = await startReplicas({ DATABASE_URL: db.url });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([sql?.end(), ...replicas.map((r) => r.stop())]);
    await db?.drop();
  }, 60_000);

  async function login(account: TestAccount, through: ServiceProcess): Promise<Pair> {
    const res = await through.http.post('/auth/login', { username: account.username, password: account.password });
    expect(res.status).toBe(200);
    return res.body;
  }
  const refresh = (through: ServiceProcess, token: string) => through.http.post('/auth/refresh', { refresh_token: token });
  const sessionsWith = (through: ServiceProcess, accessToken: string) => through.http.get('/auth/sessions', { token: accessToken });
  const outcome = (r: HttpResponse) => (r.status === 200 ? '200' : `${r.status} ${r.body?.error_code}`);

  /** Every access token is refused and every refresh token is dead, on both replicas. */
  async function expectSessionDeadEverywhere(pairs: Pair[]) {
    for (const through of replicas) {
      for (const pair of pairs) {
        expect((await sessionsWith(through, pair.access_token)).status).toBe(401);
        expect(outcome(await refresh(through, pair.refresh_token))).toMatch(/^401 refresh_token_(invalid|reused)$/);
      }
    }
  }

  it(`answers one refresh token sent to both replicas at once exactly once, ${ROUNDS} rounds, and the race ends the session`, async () => {
    const account = await createAccount({ http: replica(0).http } as TestApp);
    const tally: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const first = await login(account, replica(round));
      // Sent together: neither waits for the other's answer.
      const responses = await Promise.all([0, 1].map((i) => refresh(replica(i), first.refresh_token)));
      const outcomes = responses.map(outcome);
      for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
      expect([round, [...outcomes].sort()]).toEqual([round, ['200', '401 refresh_token_reused']]);
      const winner = outcomes.indexOf('200');
      const rotated = responses[winner].body as Pair;
      expect(sessionIdOf(rotated.access_token)).toBe(sessionIdOf(first.access_token));
      // The loser's reuse revoked the session: the winner's fresh pair dies with it, on both.
      await expectSessionDeadEverywhere([first, rotated]);
    }
    expect(tally).toEqual({ '200': ROUNDS, '401 refresh_token_reused': ROUNDS });
    // One row per round: two tokens (the raced one used once, the rotated one unused), one revoked session.
    const { rows } = await sql.query(
      `SELECT count(*)::int AS sessions, count(*) FILTER (WHERE s.revoked_at IS NOT NULL)::int AS revoked,
              sum((SELECT count(*) FROM refresh_tokens t WHERE t.session_id = s.id AND t.used_at IS NOT NULL))::int AS used
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = $1`,
      [account.username],
    );
    expect(rows).toEqual([{ sessions: ROUNDS, revoked: ROUNDS, used: ROUNDS }]);
  }, 120_000);

  it('revokes the session on both replicas when a rotated refresh token comes back through the other replica', async () => {
    const account = await createAccount({ http: replica(1).http } as TestApp);
    for (const [a, b] of [[0, 1], [1, 0]]) {
      const first = await login(account, replica(a));
      const second = (await refresh(replica(a), first.refresh_token)).body as Pair;
      // Before the reuse both replicas take the rotated pair's access token.
      for (const through of replicas) expect((await sessionsWith(through, second.access_token)).status).toBe(200);

      expect(outcome(await refresh(replica(b), first.refresh_token))).toBe('401 refresh_token_reused');
      await expectSessionDeadEverywhere([first, second]);
      const { rows } = await sql.query(`SELECT revoked_at IS NOT NULL AS revoked FROM sessions WHERE id = $1`, [sessionIdOf(first.access_token)]);
      expect(rows).toEqual([{ revoked: true }]);
    }
  }, 60_000);

  it('a logout on one replica is seen by the other at once; the account’s other session lives on', async () => {
    const account = await createAccount({ http: replica(0).http } as TestApp);
    for (const [a, b] of [[0, 1], [1, 0]]) {
      const ended = await login(account, replica(a));
      const kept = await login(account, replica(b));
      expect((await sessionsWith(replica(b), ended.access_token)).status).toBe(200);

      expect((await replica(a).http.post('/auth/logout', undefined, { token: ended.access_token })).status).toBe(204);
      // The very next request, on the other replica.
      expect((await sessionsWith(replica(b), ended.access_token)).status).toBe(401);
      expect(outcome(await refresh(replica(b), ended.refresh_token))).toBe('401 refresh_token_invalid');
      expect((await sessionsWith(replica(a), ended.access_token)).status).toBe(401);

      const list = await sessionsWith(replica(a), kept.access_token);
      expect(list.status).toBe(200);
      const ids = (list.body as Array<{ id: string }>).map((s) => s.id);
      expect(ids).toContain(sessionIdOf(kept.access_token));
      expect(ids).not.toContain(sessionIdOf(ended.access_token));
      expect((await refresh(replica(a), kept.refresh_token)).status).toBe(200);
    }
  }, 60_000);
});
