import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.js';
import { MetricsServer } from '../../src/observability/metrics-server.js';
import { createTestDatabase, TestDatabase } from './database.js';
import { HttpClient } from './http.js';
import { openMigratedPGlite } from './migrated-database.js';
import { QuietTestLogger } from './quiet-logger.js';
import { TEST_SECRETS } from './secrets.js';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  http: HttpClient;
  /** The app's separate metrics listener (METRICS_PORT, a free port in tests): GET /metrics. */
  metrics: HttpClient;
  db: TestDatabase;
  close(): Promise<void>;
}

export { TEST_SECRETS };

/**
 * Starts the whole application on a free port over real HTTP, on a fresh, migrated database (a
 * copy of one migrated once: see migrated-database.ts).
 * Per-IP rate limiting is off unless a test sets RATE_LIMIT_PER_MINUTE (every test client is
 * 127.0.0.1). `options` goes to createApp: pass `{ logDestination }` to capture the JSON logs.
 * By default Nest's messages go to QuietTestLogger: printed only when the test fails.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: Parameters<typeof createApp>[1] = { logger: new QuietTestLogger() },
): Promise<TestApp> {
  const db = env.DATABASE_URL ? { url: env.DATABASE_URL, drop: async () => {} } : await createTestDatabase({ migrated: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'reset-svc-'));
  const appEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    // Suites read "the" email of an address; the verification suite turns this back on.
    EMAIL_VERIFICATION_ON_REGISTER: 'false',
    METRICS_PORT: '0',
    ...TEST_SECRETS,
    ...env,
  };
  const releasePGlite = appEnv.DATABASE_URL === 'memory://' ? await openMigratedPGlite() : () => {};
  let app: NestFastifyApplication;
  try {
    app = await createApp(appEnv, options);
  } catch (err) {
    releasePGlite();
    throw err;
  }
  // PORT only when a test needs to know its URL before boot (PUBLIC_URL in emailed links); else any free port.
  await app.listen({ port: Number(env.PORT ?? 0), host: env.HOST ?? '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    http: new HttpClient(url),
    metrics: new HttpClient(app.get(MetricsServer).url.replace('0.0.0.0', '127.0.0.1'), { documented: false }),
    db,
    close: async () => {
      try {
        await app.close();
      } finally {
        releasePGlite();
      }
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
