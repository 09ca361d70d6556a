/** The body of every answer with a fresh user token pair, at the default lifetimes. */
export const TOKEN_PAIR_BODY = {
  access_token: expect.any(String),
  token_type: 'bearer',
  expires_in: 900,
  refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  refresh_expires_in: 14 * 86400,
};
