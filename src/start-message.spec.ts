import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, generateSigningJwk } from './config/app-config.js';
import { parseEnv } from './config/env.js';
import { whereToGo } from './start-message.js';

describe('whereToGo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'start-message-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = (raw: Record<string, string> = {}) => new AppConfig(parseEnv({ DATA_DIR: dataDir, ...raw }));

  it('names the base URL, Swagger UI and the dev mailbox on a first run', () => {
    expect(whereToGo(config())).toEqual([
      'Service ready: http://localhost:3000',
      'Swagger UI (try the API): http://localhost:3000/docs',
      'Dev mailbox (emails land here while SMTP_URL is unset): http://localhost:3000/dev/mailbox',
    ]);
  });

  it('uses PUBLIC_URL, and leaves the mailbox out when mail goes to an SMTP server', () => {
    expect(whereToGo(config({ PUBLIC_URL: 'http://reset.test:8080/', SMTP_URL: 'smtp://mail:25' }))).toEqual([
      'Service ready: http://reset.test:8080',
      'Swagger UI (try the API): http://reset.test:8080/docs',
    ]);
  });

  it('leaves Swagger UI out when DOCS_ENABLED=false', () => {
    expect(whereToGo(config({ DOCS_ENABLED: 'false', SMTP_URL: 'smtp://mail:25' }))).toEqual(['Service ready: http://localhost:3000']);
  });

  it('never mentions the dev mailbox in production', () => {
    const production = config({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
      RESET_SECRET: 'r'.repeat(40),
      SMTP_URL: 'smtp://mail:587',
      PUBLIC_URL: 'https://reset.example.com',
    });
    expect(whereToGo(production).join('\n')).not.toMatch(/mailbox/i);
  });
});
