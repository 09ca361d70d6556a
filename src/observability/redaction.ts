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
  'client_secret',
  'authorization',
  'cookie',
] as const;

/**
 * `code` is also an error code (`err.code` = 'ECONNREFUSED'), so it is redacted only where a
 * reset code travels: in a request body, query or params, or at the top of a logged object.
 */
const CODE_PARENTS = ['', 'body.', 'query.', 'params.', 'req.body.', 'req.query.', 'req.params.', 'request.', 'dto.', 'input.'];

/** Query-string parameters whose values are secrets (the reset link carries ?token=, PATCH /auth/resetpassword ?code=). */
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

const SECRET_QUERY_NAMES = new Set(SECRET_QUERY_PARAMS.map((name) => name.toLowerCase()));

/**
 * A query parameter's name as the query parser reads it (`+` is a space, `%74oken` is
 * `token`), lower-cased and trimmed: a name that only looks different must not slip through.
 * A malformed escape is kept as written (the parser keeps it too).
 */
function parameterName(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  let name: string;
  try {
    name = decodeURIComponent(spaced);
  } catch {
    name = spaced;
  }
  return name.trim().toLowerCase();
}

/**
 * The URL with the values of secret query parameters replaced: `/x?token=[Redacted]&locale=de`.
 * Parameters are told by their decoded name (`?%74oken=` is `token`), every occurrence of a
 * repeated one is redacted, and `;` separates parameters as well as `&`.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const start = url.indexOf('?');
  if (start < 0) return url;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(start + 1, end)
    .split(/([&;])/)
    .map((part, i) => {
      if (i % 2 === 1) return part; // a separator
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return eq >= 0 && SECRET_QUERY_NAMES.has(parameterName(name)) ? `${name}=${REDACTED}` : part;
    })
    .join('');
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`;
}
