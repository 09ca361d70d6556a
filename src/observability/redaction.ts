/**
 * What the logs must never carry: passwords, reset codes and link tokens, access tokens,
 * Authorization headers and cookies. Request bodies are never logged; these paths are the
 * net for anything that logs an object holding such a field anyway.
 */

/** Body and object fields that hold a secret wherever they appear. */
export const SECRET_FIELDS = [
  'password',
  'new_password',
  'newPassword',
  'confirm_password',
  'confirmPassword',
  'current_password',
  'currentPassword',
  'token',
  'access_token',
  'accessToken',
  'refresh_token',
  'secret',
  'authorization',
  'cookie',
] as const;

/**
 * `code` is also an error code (`err.code` = 'ECONNREFUSED'), so it is redacted only where a
 * reset code travels: in a request body, query or params, or at the top of a logged object.
 */
const CODE_PARENTS = ['', 'body.', 'query.', 'params.', 'req.body.', 'req.query.', 'req.params.', 'request.', 'dto.', 'input.'];

/** Query-string parameters whose values are secrets (the reset link carries ?token=, seed 001 ?code=). */
export const SECRET_QUERY_PARAMS = ['code', 'token', 'access_token', 'password', 'new_password', 'secret'];

export const REDACTED = '[Redacted]';

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...CODE_PARENTS.map((p) => `${p}code`),
];

const QUERY_SECRET = new RegExp(
  `([?&;](?:${SECRET_QUERY_PARAMS.join('|')})=)[^&;#]*`,
  'gi',
);

/** The URL with the values of secret query parameters replaced: `/x?token=[Redacted]&locale=de`. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  return url.replace(QUERY_SECRET, `$1${REDACTED}`);
}
