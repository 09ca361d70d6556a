import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { ResetSecrets } from './reset-secrets.js';

const secrets = (secret = 'a'.repeat(40)) => new ResetSecrets({ reset: { secret } } as AppConfig);

describe('ResetSecrets', () => {
  it('issues a 6-digit code and a 64-character URL-safe token naming its request', () => {
    const s = secrets();
    const id = randomUUID();
    const issued = s.issue(id);
    expect(issued.code).toMatch(/^\d{6}$/);
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(s.parseToken(issued.token)).toBe(id);
  });

  it('spreads codes over the whole range (CSPRNG, zero-padded)', () => {
    const s = secrets();
    const codes = Array.from({ length: 2000 }, () => s.issue(randomUUID()).code);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });

  it('binds a code to its request and a token to itself', () => {
    const s = secrets();
    const id = randomUUID();
    const { code, token, codeHash, tokenHash } = s.issue(id);
    expect(s.codeMatches(id, code, codeHash)).toBe(true);
    expect(s.codeMatches(randomUUID(), code, codeHash)).toBe(false);
    expect(s.codeMatches(id, String((Number(code) + 1) % 1e6).padStart(6, '0'), codeHash)).toBe(false);
    expect(s.tokenMatches(token, tokenHash)).toBe(true);
    expect(s.tokenMatches(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), tokenHash)).toBe(false);
  });

  it('stores keyed hashes: another RESET_SECRET gives other hashes', () => {
    const id = randomUUID();
    const one = secrets('x'.repeat(40)).issue(id);
    expect(secrets('y'.repeat(40)).codeMatches(id, one.code, one.codeHash)).toBe(false);
    expect(one.codeHash.toString('hex')).not.toContain(Buffer.from(one.code).toString('hex'));
  });

  it.each(['', 'abc', 'A'.repeat(63), 'A'.repeat(65), '../../etc/passwd', 'Ä'.repeat(64)])(
    'refuses to parse %j',
    (token) => {
      expect(secrets().parseToken(token)).toBeNull();
    },
  );
});
