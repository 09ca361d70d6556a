import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Test, TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { migratedTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { AppModule } from '../app.module.js';
import { AccountEvent } from '../events/account-event.entity.js';
import { MailOutboxMessage } from '../mail/mail-outbox-message.entity.js';
import { PasswordHasher } from '../password/password-hasher.js';
import { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { ResetCodeRepository } from './reset-code.repository.js';
import { PasswordChanged, ResetIssued } from './reset-events.js';
import { ResetError } from './reset-errors.js';

/**
 * The reset core and its repositories on a migrated database (PGlite, or a fresh copy on the
 * server DATABASE_URL names), without HTTP: the whole application module, compiled and
 * initialised.
 */
describe('reset core', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let db: DataSource;
  let reset: PasswordResetService;
  let codes: ResetCodeRepository;
  let emitter: EventEmitter2;
  let seq = 0;

  beforeAll(async () => {
    // A copy of the once-migrated database, not a new one migrated here.
    database = await migratedTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot({
          NODE_ENV: 'test',
          DATABASE_URL: database.url,
          DATA_DIR: mkdtempSync(join(tmpdir(), 'reset-core-')),
          BCRYPT_COST: '4',
          LOG_LEVEL: 'silent',
          RESET_SECRET: 'test-reset-secret-0123456789abcdef012345678',
          JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
          JWT_ALG: 'HS256',
          RESET_MAX_ATTEMPTS: '3',
          // Only wake-ups deliver mail here, and none is waited for: rows stay in the outbox.
          MAIL_POLL_INTERVAL_MS: '600000',
          // The outbox holds only the reset core's mail here.
          EMAIL_VERIFICATION_ON_REGISTER: 'false',
        }),
      ],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    db = moduleRef.get(getDataSourceToken());
    reset = moduleRef.get(PasswordResetService);
    codes = moduleRef.get(ResetCodeRepository);
    emitter = moduleRef.get(EventEmitter2);
  });
  afterAll(async () => {
    await moduleRef.close();
    await database.drop();
  });

  async function account(): Promise<User> {
    seq += 1;
    const passwordHash = await moduleRef.get(PasswordHasher).hash('Old-Password-1');
    return moduleRef.get(UsersService).create({ username: `ada${seq}`, email: `ada${seq}@example.com`, passwordHash });
  }

  /** Issues a reset and returns the link token its ResetIssued carried. */
  async function issue(user: User): Promise<{ token: string; code: string }> {
    let issued: ResetIssued | undefined;
    const listener = (e: ResetIssued) => (issued = e);
    emitter.on(ResetIssued.type, listener);
    try {
      await reset.requestReset({ email: user.emails[0].email }, 'en');
    } finally {
      emitter.off(ResetIssued.type, listener);
    }
    return { token: new URL(issued!.link).searchParams.get('token')!, code: issued!.code };
  }

  const outboxTemplates = async (user: User) =>
    (await db.getRepository(MailOutboxMessage).find({ where: { recipient: user.emails[0].email }, order: { id: 'ASC' } })).map((m) => m.template);

  const errorCode = (promise: Promise<unknown>) => promise.then(() => 'none', (e: unknown) => (e instanceof ResetError ? e.code : String(e)));

  it('issuing queues the code email in the transaction; the token then sets the password once', async () => {
    const user = await account();
    const { token } = await issue(user);
    expect(await outboxTemplates(user)).toEqual(['reset-code']);

    await reset.resetWithToken(token, 'New-Password-22');
    expect(await outboxTemplates(user)).toEqual(['reset-code', 'password-changed']);
    const events = await db.getRepository(AccountEvent).find({ where: { accountId: user.id, type: 'password.reset' } });
    expect(events.map((e) => e.data)).toEqual([{ method: 'link' }]);
    expect(await errorCode(reset.resetWithToken(token, 'New-Password-333'))).toBe('token_invalid');
  });

  it('a handler of PasswordChanged that fails rolls the whole change back', async () => {
    const user = await account();
    const { token } = await issue(user);
    const failing = () => {
      throw new Error('handler failed');
    };
    emitter.on(PasswordChanged.type, failing);
    try {
      await expect(reset.resetWithToken(token, 'New-Password-22')).rejects.toThrow();
    } finally {
      emitter.off(PasswordChanged.type, failing);
    }
    const stored = await moduleRef.get(UsersService).findById(user.id);
    expect(stored!.passwordHash).toBe(user.passwordHash);
    expect(await outboxTemplates(user)).toEqual(['reset-code']);
    // The token was not used up: it still works.
    await reset.resetWithToken(token, 'New-Password-22');
  });

  it('counts code tries up to RESET_MAX_ATTEMPTS, then refuses even the right code', async () => {
    const user = await account();
    const { code } = await issue(user);
    const wrong = code === '000000' ? '111111' : '000000';
    const ref = { email: user.emails[0].email };
    expect(await errorCode(reset.checkCode(ref, wrong))).toBe('code_incorrect');
    expect(await errorCode(reset.checkCode(ref, wrong))).toBe('code_incorrect');
    await reset.checkCode(ref, code);
    expect(await errorCode(reset.checkCode(ref, code))).toBe('rate_limit_exceeded');
    const latest = await codes.latestFor(user.id);
    expect({ attempts: latest!.attempts, status: latest!.status }).toEqual({ attempts: 3, status: 'live' });
  });

  describe('ResetCodeRepository', () => {
    it('lets one of several concurrent consumers use a code', async () => {
      const user = await account();
      await issue(user);
      const { id } = (await codes.latestFor(user.id))!;
      const results = await Promise.all([1, 2, 3].map(() => db.transaction((tx) => codes.consume(tx, id))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await codes.byId(id))!.status).toBe('retired');
    });

    it('reads an expired code as expired, and neither counts a try of it nor uses it', async () => {
      const user = await account();
      const id = randomUUID();
      await db.transaction((tx) =>
        codes.insert(tx, { id, userId: user.id, codeHash: Buffer.alloc(32), tokenHash: Buffer.alloc(32), locale: 'en', ttlSeconds: 0 }),
      );
      expect((await codes.byId(id))!.status).toBe('expired');
      expect(await db.transaction((tx) => codes.countTry(tx, id, 12))).toBeNull();
      expect(await db.transaction((tx) => codes.consume(tx, id))).toBe(false);
    });

    it('supersedes the outstanding code when a new one is issued', async () => {
      const user = await account();
      await issue(user);
      const first = (await codes.latestFor(user.id))!;
      await issue(user);
      const second = (await codes.latestFor(user.id))!;
      expect(second.id).not.toBe(first.id);
      expect((await codes.byId(first.id))!.status).toBe('retired');
      expect(second.status).toBe('live');
    });
  });
});
