import { Command, CommandRunner, Option } from 'nest-commander';
import { configuredKeySet } from '../config/app-config.js';
import { parseEnv, readProcessEnv } from '../config/env.js';
import { rotateKeySet } from './key-rotation.js';

interface KeysRotateOptions {
  dropOld?: boolean;
}

/**
 * `keys:rotate`: prints the next JWK Set for JWT_SIGNING_KEYS on stdout, built from the current
 * one (JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE, or none) with a fresh key of JWT_ALG first.
 */
@Command({
  name: 'keys:rotate',
  description: 'Print the next JWK Set: a fresh key of JWT_ALG first, then the current keys (JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE)',
})
export class KeysRotateCommand extends CommandRunner {
  async run(_params: string[], options: KeysRotateOptions = {}): Promise<void> {
    const raw = readProcessEnv();
    // Only the token variables matter here; the rest of a production configuration is not needed.
    const env = parseEnv({ JWT_ALG: raw.JWT_ALG, JWT_SIGNING_KEYS: raw.JWT_SIGNING_KEYS, JWT_SIGNING_KEYS_FILE: raw.JWT_SIGNING_KEYS_FILE });
    if (env.JWT_ALG === 'HS256') {
      throw new Error('Invalid configuration:\n  JWT_ALG: HS256 uses JWT_SECRET and no key set; set JWT_ALG to EdDSA, ES256 or RS256');
    }
    const next = rotateKeySet(env.JWT_ALG, configuredKeySet(env), options.dropOld === true);
    process.stdout.write(`${JSON.stringify(next)}\n`);
  }

  @Option({ flags: '--drop-old', description: 'Leave out every key but the newest two (the new one and the one signing until now)' })
  parseDropOld(): boolean {
    return true;
  }
}
