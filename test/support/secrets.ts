import { generateSigningJwk } from '../../src/config/app-config.js';

export const TEST_SECRETS = {
  // One signing key for every app and service process a suite starts, as replicas share theirs.
  JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
  JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
  RESET_SECRET: 'test-reset-secret-0123456789abcdef012345678',
};
