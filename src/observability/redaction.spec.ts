import { REDACTED, redactUrl } from './redaction.js';

const R = REDACTED;

describe('redactUrl', () => {
  it.each([
    ['/reset-password?token=abc&locale=de', `/reset-password?token=${R}&locale=de`],
    ['/auth/resetpassword?code=123456', `/auth/resetpassword?code=${R}`],
    // The name percent-encoded, in either case, is the same parameter to the query parser.
    ['/api/auth/password/reset?%74oken=abc', `/api/auth/password/reset?%74oken=${R}`],
    ['/api/auth/password/reset?%54oken=abc', `/api/auth/password/reset?%54oken=${R}`],
    ['/x?%74%6F%6B%65%6E=abc&locale=de', `/x?%74%6F%6B%65%6E=${R}&locale=de`],
    ['/auth/resetpassword?%63ode=123456', `/auth/resetpassword?%63ode=${R}`],
    ['/x?TOKEN=abc', `/x?TOKEN=${R}`],
    // `+` and %20 are spaces around the name.
    ['/x?token+=abc', `/x?token+=${R}`],
    ['/x?+token=abc', `/x?+token=${R}`],
    ['/x?%20token%20=abc', `/x?%20token%20=${R}`],
    // Every occurrence of a repeated parameter, and `;` as a separator.
    ['/x?token=a&token=b&%74oken=c', `/x?token=${R}&token=${R}&%74oken=${R}`],
    ['/x?locale=de;token=abc', `/x?locale=de;token=${R}`],
    ['/x?access_token=abc&password=p&new_password=n&secret=s', `/x?access_token=${R}&password=${R}&new_password=${R}&secret=${R}`],
    // An empty value and a value with `=` in it.
    ['/x?token=', `/x?token=${R}`],
    ['/x?token=a=b&z=1', `/x?token=${R}&z=1`],
    // A fragment is kept.
    ['/x?token=abc#top', `/x?token=${R}#top`],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    '/x',
    '/x?locale=de',
    '/x?tokens=1&mytoken=2&codes=3',
    '/x?locale=%E0%A4%A', // a malformed escape elsewhere
    '/x?token', // a name without a value carries no secret
    '/token=abc', // not in a query
  ])('leaves %s as it is', (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it('does not fail on a malformed escape in a name', () => {
    expect(redactUrl('/x?%E0%A4%A=1&token=abc')).toBe(`/x?%E0%A4%A=1&token=${R}`);
  });

  it('passes an undefined URL through', () => {
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
