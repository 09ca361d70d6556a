import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppConfig, generateSigningJwk } from './app-config.js';
import { devMailboxEnabled, EnvironmentVariables, NodeEnv, parseEnv, PLACEHOLDER_SECRETS } from './env.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The message parseEnv throws, or undefined when it accepts the variables. */
function problems(raw: Record<string, string | undefined>): string | undefined {
  try {
    parseEnv(raw);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The variable names a configuration error message lists, one per line. */
function named(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]);
}

describe('parseEnv', () => {
  describe('defaults', () => {
    it('starts in development with no variables set', () => {
      expect(parseEnv({})).toMatchObject({
        NODE_ENV: NodeEnv.Development,
        PORT: 3000,
        DATA_DIR: './data',
        PUBLIC_URL: 'http://localhost:3000',
        JWT_TTL_SECONDS: 900,
        BCRYPT_COST: 12,
        LOG_LEVEL: 'info',
        RESET_TTL_SECONDS: 900,
        RESET_MAX_ATTEMPTS: 12,
        RESET_SEND_LIMIT: 5,
        RESET_SEND_WINDOW_SECONDS: 3600,
        RESET_HIDE_UNKNOWN_ACCOUNTS: false,
        MAIL_FROM: 'Password Reset <no-reply@localhost>',
        MAIL_MAX_ATTEMPTS: 10,
        DEFAULT_LOCALE: 'en',
        LOGIN_MAX_FAILURES: 10,
        LOGIN_MAX_FAILURES_PER_IP: 100,
        LOGIN_FAILURE_WINDOW_SECONDS: 900,
        PASSWORD_POLICY: 'composition',
        TRUST_PROXY: false,
        SHUTDOWN_DELAY_MS: 0,
      });
    });

    it('listens on loopback, serves the docs, scrapes on 9464, and keeps a dev mailbox without SMTP_URL', () => {
      const config = new AppConfig(parseEnv({ JWT_SECRET: 'j'.repeat(32), RESET_SECRET: 'r'.repeat(32) }));
      expect(config).toMatchObject({ host: '127.0.0.1', metricsPort: 9464, docsEnabled: true, devMailbox: true });
      expect(new AppConfig(parseEnv({ JWT_SECRET: 'j', RESET_SECRET: 'r', HOST: '::', DOCS_ENABLED: 'false' }))).toMatchObject({
        host: '::',
        docsEnabled: false,
      });
      expect(devMailboxEnabled(parseEnv({ SMTP_URL: 'smtp://mail:25' }))).toBe(false);
    });

    it('leaves the optional variables unset', () => {
      const env = parseEnv({});
      for (const name of ['DATABASE_URL', 'JWT_SECRET', 'RESET_SECRET', 'RESET_LINK_URL', 'SMTP_URL', 'REDIS_URL', 'CORS_ORIGINS', 'RATE_LIMIT_PER_MINUTE', 'LOG_FORMAT'] as const) {
        expect(env[name]).toBeUndefined();
      }
    });

    it('treats an empty value as unset', () => {
      const env = parseEnv({ PORT: '', DATABASE_URL: '', BCRYPT_COST: '', JWT_SECRET: '' });
      expect(env.PORT).toBe(3000);
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.BCRYPT_COST).toBe(12);
      expect(env.JWT_SECRET).toBeUndefined();
    });

    it('ignores variables it does not know', () => {
      expect(() => parseEnv({ HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
    });
  });

  describe('conversion', () => {
    it('turns numeric strings into numbers', () => {
      const env = parseEnv({ PORT: '8080', JWT_TTL_SECONDS: '600', BCRYPT_COST: '4', RESET_SEND_LIMIT: '7' });
      expect(env.PORT).toBe(8080);
      expect(env.JWT_TTL_SECONDS).toBe(600);
      expect(env.BCRYPT_COST).toBe(4);
      expect(env.RESET_SEND_LIMIT).toBe(7);
    });

    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['yes', true],
      ['on', true],
      ['false', false],
      ['0', false],
      ['no', false],
      ['off', false],
      [' True ', true],
    ])('reads the boolean %j as %s', (raw, value) => {
      expect(parseEnv({ RESET_HIDE_UNKNOWN_ACCOUNTS: raw }).RESET_HIDE_UNKNOWN_ACCOUNTS).toBe(value);
      expect(parseEnv({ TRUST_PROXY: raw }).TRUST_PROXY).toBe(value);
    });

    it.each(['memory://', 'postgres://u:p@db:5432/app', 'postgresql://db/app'])('accepts DATABASE_URL %s', (url) => {
      expect(parseEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    });

    it('keeps strings as given', () => {
      const env = parseEnv({ DATA_DIR: '/var/lib/reset', PUBLIC_URL: 'https://id.example.com/', LOG_LEVEL: 'debug' });
      expect(env.DATA_DIR).toBe('/var/lib/reset');
      expect(env.PUBLIC_URL).toBe('https://id.example.com/');
      expect(env.LOG_LEVEL).toBe('debug');
    });
  });

  describe('a bad value names the variable', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '3.5'],
      ['NODE_ENV', 'staging'],
      ['DATABASE_URL', 'mysql://db/app'],
      ['DATABASE_URL', 'sqlite:///tmp/x'],
      ['PUBLIC_URL', 'not a url'],
      ['PUBLIC_URL', 'ftp://example.com'],
      ['JWT_TTL_SECONDS', '10'],
      ['BCRYPT_COST', '3'],
      ['BCRYPT_COST', '16'],
      ['LOG_LEVEL', 'loud'],
      ['RESET_HIDE_UNKNOWN_ACCOUNTS', 'maybe'],
      ['TRUST_PROXY', 'sometimes'],
      ['RESET_LINK_URL', 'reset-page'],
      ['SMTP_URL', 'http://mail.example.com'],
      ['DEFAULT_LOCALE', 'xx'],
      ['LOGIN_MAX_FAILURES', '0'],
      ['HOST', 'example.com'],
      ['HOST', '0.0.0.0:3000'],
      ['METRICS_PORT', '70000'],
      ['DOCS_ENABLED', 'maybe'],
    ])('%s=%j', (name, value) => {
      const message = problems({ [name]: value });
      expect(message).toMatch(/^Invalid configuration/);
      expect(named(message)).toEqual([name]);
    });

    it('names every bad variable in one message', () => {
      const message = problems({ PORT: 'x', BCRYPT_COST: '99', LOG_LEVEL: 'loud' });
      expect(named(message).sort()).toEqual(['BCRYPT_COST', 'LOG_LEVEL', 'PORT']);
    });
  });

  describe('production', () => {
    const PRODUCTION = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://reset:secret@db:5432/reset',
      JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
      RESET_SECRET: 'r'.repeat(32),
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      PUBLIC_URL: 'https://reset.example.com',
    };

    it('starts with the required settings', () => {
      const env = parseEnv(PRODUCTION);
      expect(env.NODE_ENV).toBe(NodeEnv.Production);
      expect(env.BCRYPT_COST).toBe(12);
    });

    it('names every missing setting when nothing is configured', () => {
      expect(named(problems({ NODE_ENV: 'production' })).sort()).toEqual(
        ['DATABASE_URL', 'JWT_SIGNING_KEYS', 'PUBLIC_URL', 'RESET_SECRET', 'SMTP_URL'].sort(),
      );
    });

    it.each([
      ['DATABASE_URL', { DATABASE_URL: undefined }],
      ['DATABASE_URL', { DATABASE_URL: 'memory://' }],
      ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: undefined }],
      ['JWT_SIGNING_KEYS', { JWT_SIGNING_KEYS: undefined, JWT_SECRET: 'j'.repeat(32) }],
      ['JWT_SECRET', { JWT_ALG: 'HS256', JWT_SECRET: undefined }],
      ['JWT_SECRET', { JWT_ALG: 'HS256', JWT_SECRET: 'j'.repeat(31) }],
      ['RESET_SECRET', { RESET_SECRET: undefined }],
      ['RESET_SECRET', { RESET_SECRET: 'r'.repeat(31) }],
      ['SMTP_URL', { SMTP_URL: undefined }],
      ['PUBLIC_URL', { PUBLIC_URL: 'http://reset.example.com' }],
      ['BCRYPT_COST', { BCRYPT_COST: '9' }],
    ])('refuses a wrong %s (%j)', (name, change) => {
      const message = problems({ ...PRODUCTION, ...change });
      expect(message).toMatch(/^Invalid configuration/);
      expect(named(message)).toEqual([name]);
    });

    it('measures secrets in bytes', () => {
      const hs256 = { ...PRODUCTION, JWT_ALG: 'HS256' };
      expect(problems({ ...hs256, JWT_SECRET: 'é'.repeat(16) })).toBeUndefined(); // 16 characters, 32 bytes
      expect(named(problems({ ...hs256, JWT_SECRET: 'é'.repeat(15) + 'x' }))).toEqual(['JWT_SECRET']);
    });

    it('accepts BCRYPT_COST 10, the production minimum', () => {
      expect(problems({ ...PRODUCTION, BCRYPT_COST: '10' })).toBeUndefined();
    });

    it.each([...PLACEHOLDER_SECRETS, 'please-change-me-to-a-long-random-value-0123', 'replace-with-your-own-32-byte-random-value'])(
      'refuses the published placeholder secret %j, naming the variable',
      (value) => {
        expect(named(problems({ ...PRODUCTION, JWT_SECRET: value }))).toEqual(['JWT_SECRET']);
        expect(named(problems({ ...PRODUCTION, RESET_SECRET: value }))).toEqual(['RESET_SECRET']);
        expect(problems({ ...PRODUCTION, RESET_SECRET: value })).toMatch(/RESET_SECRET: is a published example value/);
        expect(problems({ JWT_SECRET: value, RESET_SECRET: value })).toBeUndefined(); // outside production
      },
    );

    it('listens on 0.0.0.0 and has no dev mailbox', () => {
      const env = parseEnv(PRODUCTION);
      expect(new AppConfig(env).host).toBe('0.0.0.0');
      expect(new AppConfig(parseEnv({ ...PRODUCTION, HOST: '10.1.2.3' })).host).toBe('10.1.2.3');
      expect(devMailboxEnabled(env)).toBe(false);
    });

    it('does not apply the production rules outside production', () => {
      expect(problems({ BCRYPT_COST: '4', PUBLIC_URL: 'http://localhost:3000' })).toBeUndefined();
      expect(problems({ NODE_ENV: 'test', JWT_SECRET: 'short' })).toBeUndefined();
    });
  });
});

describe('the documented configuration', () => {
  const variables = Object.keys(new EnvironmentVariables()).sort();

  it('knows its variables', () => {
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'JWT_SECRET', 'BCRYPT_COST']));
  });

  it('.env.example lists every variable, and only those', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const listed = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(variables);
  });

  it('the README configuration table lists every variable', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = new Set([...text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]));
    expect(variables.filter((name) => !rows.has(name))).toEqual([]);
  });
});
