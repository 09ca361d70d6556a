import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, generateSigningJwk } from '../config/app-config.js';
import { parseEnv } from '../config/env.js';
import type { RedisConnection } from '../redis/redis.module.js';
import { throttlerOptions } from './client-ip-throttling.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db:5432/app',
  JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
  RESET_SECRET: 'r'.repeat(40),
  SMTP_URL: 'smtp://mail:587',
  PUBLIC_URL: 'https://reset.example.com',
};

describe('per-client-IP rate limit defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'throttling-spec-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const limits = async (raw: Record<string, string>) => {
    const config = new AppConfig(parseEnv({ DATA_DIR: dataDir, ...raw }));
    const options = await throttlerOptions(config, { client: undefined } as RedisConnection);
    const throttlers = Array.isArray(options) ? options : options.throttlers;
    return Object.fromEntries(throttlers.map((t) => [t.name, t.limit]));
  };

  it('keeps production strict: 60 a minute, 10 on login and reset-request routes', async () => {
    expect(await limits(PRODUCTION)).toEqual({ default: 60, strict: 10 });
  });

  it('gives development and test ten times as much', async () => {
    expect(await limits({})).toEqual({ default: 600, strict: 100 });
    expect(await limits({ NODE_ENV: 'test' })).toEqual({ default: 600, strict: 100 });
  });

  it('takes RATE_LIMIT_PER_MINUTE when set, in any environment', async () => {
    expect(await limits({ RATE_LIMIT_PER_MINUTE: '30' })).toEqual({ default: 30, strict: 5 });
    expect(await limits({ ...PRODUCTION, RATE_LIMIT_PER_MINUTE: '1200' })).toEqual({ default: 1200, strict: 200 });
  });
});
