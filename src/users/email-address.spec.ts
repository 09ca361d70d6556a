import { normalizeEmail } from './email-address.js';

describe('normalizeEmail', () => {
  it.each([
    ['Ada@Example.COM', 'ada@example.com'],
    ['  ada@example.com ', 'ada@example.com'],
    ['ada@example.\u2102om', 'ada@example.com'], // ℂ maps to c
    ['ada@exam\u00adple.com', 'ada@example.com'], // soft hyphen dropped
    ['ada@exa\u200bmple.com', 'ada@example.com'], // zero-width space dropped
    ['ada@\uff45xample.com', 'ada@example.com'], // full-width e
    ['ada@example.com.', 'ada@example.com'],
    ['ada@bücher.de', 'ada@xn--bcher-kva.de'],
    ['ada@xn--bcher-kva.de', 'ada@xn--bcher-kva.de'],
    ['Jose\u0301@example.com', 'jos\u00e9@example.com'], // local part in NFC
  ])('%j → %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it('keeps look-alikes that are other domains apart (Cyrillic е is not e)', () => {
    expect(normalizeEmail('ada@\u0435xample.com')).not.toBe('ada@example.com');
  });

  it('leaves a domain UTS #46 refuses in lower case', () => {
    expect(normalizeEmail('Ada@[192.0.2.1]')).toBe('ada@[192.0.2.1]');
  });
});
