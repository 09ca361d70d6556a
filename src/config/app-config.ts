import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type JwkSet, type JwtAlg, loadJwkSet } from './jwk-set.js';
import { devMailboxEnabled, Env, NodeEnv } from './env.js';

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string };

/** The typed configuration every provider injects. Built once from validated variables. */
export class AppConfig {
  readonly production: boolean;
  readonly port: number;
  /** Address the HTTP and metrics listeners bind (HOST): 127.0.0.1 by default, 0.0.0.0 in production. */
  readonly host: string;
  /** Port of the separate /metrics listener; 0 = a free port (METRICS_PORT). */
  readonly metricsPort: number;
  /** Swagger UI and the OpenAPI document are served (DOCS_ENABLED). */
  readonly docsEnabled: boolean;
  /** POST /auth/register creates accounts (REGISTRATION_ENABLED); else only the admin API does. */
  readonly registrationEnabled: boolean;
  /** The dev mailbox is mounted: outside production and without SMTP_URL. */
  readonly devMailbox: boolean;
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly database: DatabaseTarget;
  readonly logLevel: string;
  /** `json` or `pretty` (LOG_FORMAT; production is always JSON). */
  readonly logFormat: 'json' | 'pretty';
  readonly passwordPolicy: 'composition' | 'length';
  readonly jwt: {
    alg: JwtAlg;
    /** HS256 only: the shared secret. */
    secret?: string;
    /** EdDSA, ES256, RS256: the JWK Set (private keys, first signs). Development generates one into DATA_DIR. */
    keys?: JwkSet;
    ttlSeconds: number;
    issuer: string;
    audience: string[];
  };
  /** Refresh sessions: idle timeout and absolute lifetime. */
  readonly sessions: { idleSeconds: number; maxSeconds: number };
  /** Access tokens of service clients (client credentials). */
  readonly serviceTokens: { ttlSeconds: number };
  readonly bcryptCost: number;
  readonly login: {
    maxFailures: number;
    maxFailuresPerIp: number;
    windowSeconds: number;
    /** Failures per account name from every client IP within `accountWindowSeconds`. */
    maxAccountFailures: number;
    accountWindowSeconds: number;
  };
  /** Per-client-IP request limits (requests per minute); `perMinute` 0 = off. */
  readonly rateLimit: { perMinute: number; strictPerMinute: number };
  /** Shared state for replicas; undefined = PostgreSQL or memory. */
  readonly redisUrl?: string;
  /** Proxies in front whose X-Forwarded-For entries are trusted; 0 = none (TRUST_PROXY). */
  readonly trustedProxyHops: number;
  /** Origins CORS allows; empty = CORS off. */
  readonly corsOrigins: string[];
  readonly shutdownDelayMs: number;
  /** HTTP server timeouts in ms (also applied in createApp, before this exists). */
  readonly http: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number };
  readonly reset: {
    secret: string;
    ttlSeconds: number;
    maxAttempts: number;
    sendLimit: number;
    sendWindowSeconds: number;
    /** Wrong codes per account across all its requests within `codeFailureWindowSeconds`. */
    maxCodeFailures: number;
    codeFailureWindowSeconds: number;
    hideUnknownAccounts: boolean;
    linkUrl: string;
    /** Reset emails go only to verified addresses. */
    requireVerifiedEmail: boolean;
  };
  readonly emailVerification: {
    ttlSeconds: number;
    /** Registering with an address sends it a verification email. */
    onRegister: boolean;
    /** The hosted confirmation page the emailed link opens. */
    linkUrl: string;
  };
  readonly mail: {
    smtpUrl?: string;
    from: string;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    pollIntervalMs: number;
    concurrency: number;
    listen: boolean;
    defaultLocale: string;
  };
  /** Branding shown on the pages and in the emails (unset: none). */
  readonly brand: {
    name?: string;
    logoUrl?: string;
    color?: string;
    supportUrl?: string;
    supportEmail?: string;
    loginUrl?: string;
  };
  /** The operator's folder of views, email templates, catalogues and assets (TEMPLATES_DIR). */
  readonly presentation: { templatesDir?: string };
  /** Account events: delivered to NATS JetStream and/or webhooks when configured. */
  readonly events: {
    natsUrls: string[];
    natsStream: string;
    subjectPrefix: string;
    webhookUrls: string[];
    /** The key bytes of WEBHOOK_SECRET (after `whsec_`). */
    webhookKey?: Buffer;
    retryBaseMs: number;
    retryMaxMs: number;
    pollIntervalMs: number;
  };

  constructor(env: Env) {
    this.production = env.NODE_ENV === NodeEnv.Production;
    this.port = env.PORT;
    this.host = env.HOST ?? (this.production ? '0.0.0.0' : '127.0.0.1');
    this.metricsPort = env.METRICS_PORT;
    this.docsEnabled = env.DOCS_ENABLED;
    this.registrationEnabled = env.REGISTRATION_ENABLED;
    this.devMailbox = devMailboxEnabled(env);
    this.dataDir = resolve(env.DATA_DIR);
    this.publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
    this.logLevel = env.LOG_LEVEL;
    this.logFormat = logFormat(env);
    this.passwordPolicy = env.PASSWORD_POLICY;
    this.database = !env.DATABASE_URL
      ? { kind: 'pglite', dataDir: join(this.dataDir, 'pgdata') }
      : env.DATABASE_URL === 'memory://'
        ? { kind: 'pglite' }
        : { kind: 'postgres', url: env.DATABASE_URL };
    const devSecrets = this.production ? undefined : new DevSecrets(this.dataDir);
    const alg = env.JWT_ALG;
    this.jwt = {
      alg,
      secret: alg === 'HS256' ? (env.JWT_SECRET ?? devSecrets!.get('jwt_secret')) : undefined,
      keys: alg === 'HS256' ? undefined : (configuredKeySet(env) ?? devSecrets?.keySet(alg)),
      ttlSeconds: env.JWT_TTL_SECONDS,
      issuer: this.publicUrl,
      audience: env.JWT_AUDIENCE.split(',').map((a) => a.trim()).filter(Boolean),
    };
    if (this.jwt.keys) loadJwkSet(alg as Exclude<JwtAlg, 'HS256'>, this.jwt.keys); // a bad key stops the start-up here
    this.sessions = { idleSeconds: env.SESSION_IDLE_SECONDS, maxSeconds: env.SESSION_MAX_SECONDS };
    this.serviceTokens = { ttlSeconds: env.SERVICE_TOKEN_TTL_SECONDS };
    this.bcryptCost = env.BCRYPT_COST;
    this.login = {
      maxFailures: env.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      maxAccountFailures: env.LOGIN_MAX_ACCOUNT_FAILURES,
      accountWindowSeconds: env.LOGIN_ACCOUNT_WINDOW_SECONDS,
    };
    // Development gets ten times the production budget, so exploring never runs into it.
    const perMinute = env.RATE_LIMIT_PER_MINUTE ?? (this.production ? 60 : 600);
    this.rateLimit = {
      perMinute,
      // Login and reset-request routes get a sixth of the budget (at least 1).
      strictPerMinute: perMinute === 0 ? 0 : Math.max(1, Math.floor(perMinute / 6)),
    };
    this.redisUrl = env.REDIS_URL;
    this.trustedProxyHops = env.TRUST_PROXY === true ? 1 : env.TRUST_PROXY === false ? 0 : env.TRUST_PROXY;
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    this.shutdownDelayMs = env.SHUTDOWN_DELAY_MS;
    this.http = {
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    };
    this.reset = {
      secret: env.RESET_SECRET ?? devSecrets!.get('reset_secret'),
      ttlSeconds: env.RESET_TTL_SECONDS,
      maxAttempts: env.RESET_MAX_ATTEMPTS,
      sendLimit: env.RESET_SEND_LIMIT,
      sendWindowSeconds: env.RESET_SEND_WINDOW_SECONDS,
      maxCodeFailures: env.RESET_MAX_CODE_FAILURES,
      codeFailureWindowSeconds: env.RESET_CODE_FAILURE_WINDOW_SECONDS,
      hideUnknownAccounts: env.RESET_HIDE_UNKNOWN_ACCOUNTS,
      linkUrl: env.RESET_LINK_URL ?? `${this.publicUrl}/reset-password`,
      requireVerifiedEmail: env.RESET_REQUIRE_VERIFIED_EMAIL,
    };
    this.emailVerification = {
      ttlSeconds: env.EMAIL_VERIFICATION_TTL_SECONDS,
      onRegister: env.EMAIL_VERIFICATION_ON_REGISTER,
      linkUrl: `${this.publicUrl}/verify-email`,
    };
    this.mail = {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      maxAttempts: env.MAIL_MAX_ATTEMPTS,
      retryBaseMs: env.MAIL_RETRY_BASE_MS,
      retryMaxMs: env.MAIL_RETRY_MAX_MS,
      pollIntervalMs: env.MAIL_POLL_INTERVAL_MS,
      concurrency: env.MAIL_CONCURRENCY,
      listen: env.MAIL_LISTEN,
      defaultLocale: env.DEFAULT_LOCALE,
    };
    this.brand = {
      name: env.BRAND_NAME,
      logoUrl: env.BRAND_LOGO_URL,
      color: env.BRAND_COLOR,
      supportUrl: env.SUPPORT_URL,
      supportEmail: env.SUPPORT_EMAIL,
      loginUrl: env.LOGIN_URL,
    };
    this.presentation = { templatesDir: env.TEMPLATES_DIR ? resolve(env.TEMPLATES_DIR) : undefined };
    this.events = {
      natsUrls: (env.EVENTS_NATS_URL ?? '').split(',').map((u) => u.trim()).filter(Boolean),
      natsStream: env.EVENTS_NATS_STREAM,
      subjectPrefix: env.EVENTS_NATS_SUBJECT_PREFIX,
      webhookUrls: (env.WEBHOOK_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean),
      webhookKey: env.WEBHOOK_SECRET ? Buffer.from(env.WEBHOOK_SECRET.slice('whsec_'.length), 'base64') : undefined,
      retryBaseMs: env.EVENTS_RETRY_BASE_MS,
      retryMaxMs: env.EVENTS_RETRY_MAX_MS,
      pollIntervalMs: env.EVENTS_POLL_INTERVAL_MS,
    };
  }
}

/** LOG_FORMAT: production always logs JSON; elsewhere unset means pretty when stdout is a terminal. */
export function logFormat(env: Env, stdoutIsTerminal = process.stdout.isTTY === true): 'json' | 'pretty' {
  if (env.NODE_ENV === NodeEnv.Production) return 'json';
  return env.LOG_FORMAT ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

export type { JwkSet, JwtAlg } from './jwk-set.js';

/** The JWK Set from JWT_SIGNING_KEYS or the file JWT_SIGNING_KEYS_FILE names; undefined when neither is set. */
export function configuredKeySet(env: Env): JwkSet | undefined {
  const text = env.JWT_SIGNING_KEYS ?? (env.JWT_SIGNING_KEYS_FILE ? readFileSync(env.JWT_SIGNING_KEYS_FILE, 'utf8') : undefined);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('Invalid configuration:\n  JWT_SIGNING_KEYS: not valid JSON (a JWK Set: {"keys": [...]})');
  }
  const keys = (parsed as JwkSet | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => !k || typeof k !== 'object')) {
    throw new Error('Invalid configuration:\n  JWT_SIGNING_KEYS: must be a JWK Set with at least one key ({"keys": [...]})');
  }
  return { keys };
}

/** `generateKeyPairSync` options that have the generation encode both keys as JWKs (see below). */
export const GENERATE_AS_JWK = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } } as const;

/**
 * A fresh private signing key of `alg` as a JWK, with a random kid.
 *
 * The key generation itself encodes the JWK. Exporting the KeyObject it returns instead can
 * hang the process for good (Node 20): the export holds the key's lock while it allocates, a
 * garbage collection then frees the finished generation job, and that job's destructor waits
 * for the same lock (seen once in a few thousand keys).
 */
export function generateSigningJwk(alg: Exclude<JwtAlg, 'HS256'>): Record<string, unknown> {
  const { privateKey } =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519', GENERATE_AS_JWK)
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256', ...GENERATE_AS_JWK })
        : generateKeyPairSync('rsa', { modulusLength: 2048, ...GENERATE_AS_JWK });
  return { ...privateKey, kid: randomUUID(), alg, use: 'sig' };
}

/** Development-only secrets, generated once and kept in DATA_DIR so tokens survive restarts. */
class DevSecrets {
  private readonly file: string;
  private values: Record<string, string>;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'dev-secrets.json');
    this.values = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : {};
  }

  get(name: string): string {
    if (!this.values[name]) {
      this.values[name] = randomBytes(32).toString('base64url');
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    }
    return this.values[name];
  }

  /** A signing key of `alg`, generated once (one per algorithm, so switching JWT_ALG keeps working). */
  keySet(alg: Exclude<JwtAlg, 'HS256'>): JwkSet {
    const name = `jwt_signing_key_${alg}`;
    if (!this.values[name]) {
      this.values[name] = JSON.stringify(generateSigningJwk(alg));
      mkdirSync(join(this.file, '..'), { recursive: true });
      writeFileSync(this.file, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    }
    return { keys: [JSON.parse(this.values[name])] };
  }
}
