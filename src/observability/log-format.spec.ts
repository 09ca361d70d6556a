import 'reflect-metadata';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { generateSigningJwk, logFormat } from '../config/app-config.js';
import { parseEnv } from '../config/env.js';
import { PinoStartupLogger, prettyDestination } from './logging.module.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://u:p@db:5432/app',
  JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
  RESET_SECRET: 'r'.repeat(40),
  SMTP_URL: 'smtp://mail:587',
  PUBLIC_URL: 'https://reset.example.com',
};

describe('LOG_FORMAT', () => {
  it('is pretty in development when stdout is a terminal, JSON when it is not', () => {
    expect(logFormat(parseEnv({}), true)).toBe('pretty');
    expect(logFormat(parseEnv({}), false)).toBe('json');
    expect(logFormat(parseEnv({ NODE_ENV: 'test' }), false)).toBe('json');
  });

  it('follows LOG_FORMAT outside production', () => {
    expect(logFormat(parseEnv({ LOG_FORMAT: 'pretty' }), false)).toBe('pretty');
    expect(logFormat(parseEnv({ LOG_FORMAT: 'json' }), true)).toBe('json');
  });

  it('is always JSON in production', () => {
    expect(logFormat(parseEnv(PRODUCTION), true)).toBe('json');
    expect(logFormat(parseEnv({ ...PRODUCTION, LOG_FORMAT: 'pretty' }), true)).toBe('json');
  });

  it('refuses an unknown format', () => {
    expect(() => parseEnv({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});

/** Everything written to `stream` so far, once pino-pretty has passed it on. */
async function collect(write: (into: PassThrough) => Promise<void>): Promise<string> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  await write(out);
  await new Promise((r) => setImmediate(r));
  return text;
}

describe('pretty logs', () => {
  it('write one readable line per entry: time, level, context and message', async () => {
    const text = await collect(async (out) => {
      const logger = new PinoStartupLogger('info', await prettyDestination(false, out));
      logger.log('Starting Nest application...', 'NestFactory');
      logger.error('Unable to connect to the database. Retrying (1)...', 'Error: connect ECONNREFUSED\n    at x (y.js:1:1)', 'TypeOrmModule');
      logger.debug('not at info', 'Quiet');
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[NestFactory\] Starting Nest application\.\.\.$/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] ERROR: \[TypeOrmModule\] Unable to connect to the database\. Retrying \(1\)\.\.\.$/);
    // The stack follows on lines of its own, not as an escaped JSON string.
    expect(text).toContain('Error: connect ECONNREFUSED\n');
    expect(text).toMatch(/\n\s+at x \(y\.js:1:1\)/);
    expect(text).not.toContain('not at info');
    expect(text).not.toMatch(/^\{/m);
  });

  it('sum a request up as method, URL, status and duration', async () => {
    const text = await collect(async (out) => {
      const logger = pino({}, await prettyDestination(false, out));
      logger.info({ req: { id: 'r1', method: 'POST', url: '/auth/login' }, res: { statusCode: 401 }, responseTime: 12, route: '/auth/login' }, 'request completed');
    });
    expect(text.trimEnd()).toMatch(/^\[[\d:.]+\] INFO: request completed POST \/auth\/login 401 12 ms$/);
  });
});

describe('JSON start-up logs', () => {
  it('write the same JSON records as the request log, errors with their stack', async () => {
    const text = await collect(async (out) => {
      const logger = new PinoStartupLogger('info', out);
      logger.error('Unable to connect to the database.', 'Error: boom\n    at x', 'TypeOrmModule');
      logger.error(new Error('plain'), 'ExceptionHandler');
    });
    const [first, second] = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(first).toMatchObject({ level: 50, context: 'TypeOrmModule', msg: 'Unable to connect to the database.', err: { stack: 'Error: boom\n    at x' }, service: 'password-reset-service' });
    expect(typeof first.time).toBe('string');
    expect(second).toMatchObject({ level: 50, context: 'ExceptionHandler', msg: 'plain', err: { type: 'Error', message: 'plain' } });
  });
});
