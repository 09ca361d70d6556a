/**
 * The scopes a service client can be given, and what each allows. A client's token carries a
 * subset of its client's scopes; service routes name the ones they need (`@RequireScopes`).
 */
export const SERVICE_SCOPES = {
  'tokens:introspect': 'Introspect access tokens (POST /oauth/introspect)',
  'accounts:read': 'Read accounts through the admin API',
  'accounts:write': 'Change accounts through the admin API',
} as const;

export type ServiceScope = keyof typeof SERVICE_SCOPES;

export const KNOWN_SCOPES = Object.keys(SERVICE_SCOPES) as ServiceScope[];

export function isKnownScope(scope: string): scope is ServiceScope {
  return Object.hasOwn(SERVICE_SCOPES, scope);
}

/** A `scope` parameter (RFC 6749 §3.3): scope tokens separated by single spaces, each `%x21 / %x23-5B / %x5D-7E`. */
const SCOPE_PARAMETER = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** The scopes a `scope` parameter names, deduplicated; null when it is not well-formed. */
export function parseScopeParameter(value: string): string[] | null {
  return SCOPE_PARAMETER.test(value) ? [...new Set(value.split(' '))] : null;
}
