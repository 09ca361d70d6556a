import { IdentifierKeys, normalizeIdentifier } from './identifiers.js';

describe('account names as budget keys', () => {
  const keys = new IdentifierKeys('a-reset-secret-of-enough-length-0123456789');

  it('normalizes a name by its string alone: addresses as lookups do, usernames lower-cased', () => {
    expect(normalizeIdentifier(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeIdentifier('Ada')).toBe('ada');
    expect(keys.of('ADA@example.com')).toBe(keys.of('ada@example.com'));
    expect(keys.of('Ada')).toBe(keys.of('ada'));
  });

  it('keys distinct names apart, by a keyed hash that does not contain the name', () => {
    expect(keys.of('ada')).not.toBe(keys.of('ada@example.com'));
    expect(keys.of('ada')).not.toContain('ada');
    expect(new IdentifierKeys('another-secret-of-enough-length-0123456789').of('ada')).not.toBe(keys.of('ada'));
  });

  it('names every name of an account', () => {
    const account = { username: 'Ada', emails: [{ email: 'ada@example.com' }, { email: 'a@example.org' }] };
    expect(keys.ofAccount(account)).toEqual([keys.of('ada'), keys.of('ada@example.com'), keys.of('a@example.org')]);
  });
});
