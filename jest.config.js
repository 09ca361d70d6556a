// Jest configuration. `npm test` runs the unit specs and the end-to-end suites that need
// nothing but the embedded database and the in-process SMTP server. Two sets run by scripts of
// their own (TEST_SET): `npm run test:services`, the suites that need Chromium, Redis or NATS
// (the run fails when one is missing), and `npm run test:built`, the suites that start the built
// service and CLI as processes. The replica, fault and fuzz suites have one script each.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const REDIS_URL = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const NATS_URL = new URL(process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222');

function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Suites that need a service, by what they need. */
const NEEDS = [
  { service: `Chromium (apt-get install -y chromium, or CHROMIUM_PATH)`, suites: ['browser', 'browser-branding'], present: async () => Boolean(CHROMIUM) },
  {
    service: `Redis at ${REDIS_URL.host} (TEST_REDIS_URL)`,
    suites: ['rate-limit-redis', 'send-throttle-redis'],
    present: () => answers(REDIS_URL.hostname, REDIS_URL.port || 6379),
  },
  {
    service: `NATS with JetStream at ${NATS_URL.host} (TEST_NATS_URL) and /usr/sbin/nats-server`,
    suites: ['events-nats'],
    present: async () => existsSync('/usr/sbin/nats-server') && (await answers(NATS_URL.hostname, NATS_URL.port || 4222)),
  },
];

/** Suites that start `node dist/main.js`, `node dist/cli.js` or `nest start` (npm run test:built). */
const BUILT = ['cli', 'service-clients', 'start-dev', 'production-config', 'process-lifecycle', 'log-format', 'dev-mailbox-access'];

/** Suites with npm scripts of their own (PostgreSQL and built-app suites run by .ci/run). */
const OWN_SCRIPT = ['replicas', 'faults', 'fuzz', 'events-replicas', 'sessions-replicas'];

const suitePaths = (suites) => `<rootDir>/test/(${suites.join('|')})\\.e2e-spec\\.ts$`;

/** testMatch and testPathIgnorePatterns of the set TEST_SET names (none: `npm test`'s). */
async function selection(set) {
  const services = NEEDS.flatMap((need) => need.suites);
  if (!set) {
    return {
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', suitePaths([...services, ...BUILT, ...OWN_SCRIPT])],
    };
  }
  if (set === 'built') return { testMatch: BUILT.map((s) => `<rootDir>/test/${s}.e2e-spec.ts`), testPathIgnorePatterns: ['/node_modules/'] };
  if (set !== 'services') throw new Error(`TEST_SET=${set}: expected services or built`);
  const missing = [];
  for (const need of NEEDS) if (!(await need.present())) missing.push(`${need.suites.map((s) => `test/${s}.e2e-spec.ts`).join(', ')} need ${need.service}`);
  if (missing.length) throw new Error(`npm run test:services: ${missing.join('; ')}`);
  return { testMatch: services.map((s) => `<rootDir>/test/${s}.e2e-spec.ts`), testPathIgnorePatterns: ['/node_modules/'] };
}

export default async () => {
  return {
    ...(await selection(process.env.TEST_SET)),
    // Node, printing what test applications logged only for failed tests (see the file).
    testEnvironment: '<rootDir>/test/support/jest/quiet-environment.cjs',
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    setupFiles: ['<rootDir>/test/support/jest/esm-preload.mjs'],
    transform: {
      // See test/support/jest/esm-require-shim.cjs.
      '/node_modules/(@nestjs-modules/mailer|@nestjs/throttler|@nest-lab/throttler-storage-redis)/.+\\.js$':
        '<rootDir>/test/support/jest/esm-require-shim.cjs',
      '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.check.json' }],
      '^.+\\.js$': [
        'ts-jest',
        { useESM: true, tsconfig: { allowJs: true, checkJs: false, module: 'nodenext', isolatedModules: true }, diagnostics: false },
      ],
    },
    transformIgnorePatterns: [
      '/node_modules/(?!(content-disposition|@apidevtools/json-schema-ref-parser|@nestjs-modules/mailer|@nestjs/throttler|@nest-lab/throttler-storage-redis)/)',
    ],
    testTimeout: 60000,
    reporters: ['default', '<rootDir>/test/support/strict-reporter.js'],
    maxWorkers: 2,
    // Each test file leaves about 100 MB behind in its worker (its module registry); a worker past
    // this is replaced between files, before its collections slow every file after it.
    workerIdleMemoryLimit: '1GB',
  };
};
