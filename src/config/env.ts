// Implicit conversion (strings to numbers and booleans) reads each property's design type.
import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { isIP } from 'node:net';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';
import { SUPPORTED_LOCALES } from '../locale/locale.js';

/**
 * Every environment variable the service reads, with its default.
 * This file is the only place that reads `process.env`.
 */
/**
 * Reads a boolean variable from its raw string. Implicit conversion has already turned any
 * non-empty string into `true` by the time `value` arrives, so this reads `obj[key]`; a word
 * it does not know is passed on as is, and @IsBoolean then names the variable.
 */
const toBool = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  if (typeof raw !== 'string') return raw;
  const word = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['0', 'false', 'no', 'off'].includes(word)) return false;
  return raw;
};

/**
 * TRUST_PROXY: a boolean as above (true: the one proxy in front of the service), or how many
 * proxies in front append to X-Forwarded-For (2 to 10).
 */
const toTrustProxy = (params: { obj: Record<string, unknown>; key: string }) => {
  const raw = params.obj[params.key];
  if (typeof raw === 'string' && /^\s*([2-9]|10)\s*$/.test(raw)) return Number(raw);
  return toBool(params);
};

const IsTrustProxy = () =>
  ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (v: unknown) => typeof v === 'boolean' || (Number.isInteger(v) && (v as number) >= 2 && (v as number) <= 10),
      defaultMessage: () => 'TRUST_PROXY must be true, false, or the number of proxies in front (2 to 10)',
    },
  });

/** HOST: an IP address to bind (`0.0.0.0`, `::`, `127.0.0.1`, …) or `localhost`. */
const IsBindAddress = () =>
  ValidateBy({
    name: 'isBindAddress',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && (isIP(v) !== 0 || v === 'localhost'),
      defaultMessage: () => 'HOST must be an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::) or localhost',
    },
  });

/**
 * Secret values published in this repository's examples (docker-compose.yml,
 * deploy/kubernetes/secret.example.yaml), and the words such placeholders are made of.
 * Production refuses them: anyone who has read the examples knows them.
 */
export const PLACEHOLDER_SECRETS = [
  'local-only-jwt-secret-change-me-0123456789abcdef',
  'local-only-reset-secret-change-me-0123456789abcdef',
  'replace-with-at-least-32-random-bytes-for-jwt-signing',
  'replace-with-at-least-32-random-bytes-for-reset-codes',
];
const PLACEHOLDER_WORDS = /change[-_ ]?me|replace[-_ ]with|placeholder|your[-_ ]secret/i;

export function isPlaceholderSecret(value: string): boolean {
  return PLACEHOLDER_SECRETS.includes(value.trim()) || PLACEHOLDER_WORDS.test(value);
}

export enum NodeEnv {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

export class EnvironmentVariables {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  /** Address the HTTP and metrics listeners bind; unset: 127.0.0.1, or 0.0.0.0 in production. */
  @IsOptional() @IsBindAddress()
  HOST?: string;

  /** Port of the separate /metrics listener (bound like HOST); 0 picks a free port. */
  @IsInt() @Min(0) @Max(65535)
  METRICS_PORT: number = 9464;

  /** false: no Swagger UI (/docs) and no OpenAPI document (/docs-json). */
  @Transform(toBool) @IsBoolean()
  DOCS_ENABLED: boolean = true;

  /** false: POST /auth/register answers 403 registration_disabled; accounts come from the admin API only. */
  @Transform(toBool) @IsBoolean()
  REGISTRATION_ENABLED: boolean = true;

  @IsOptional()
  @Matches(/^(memory:\/\/|postgres(ql)?:\/\/.+)$/, {
    message: 'DATABASE_URL must be memory:// or a postgres:// URL',
  })
  DATABASE_URL?: string;

  @IsString() @MinLength(1)
  DATA_DIR: string = './data';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:3000';

  @IsOptional() @IsString()
  JWT_SECRET?: string;

  @IsInt() @Min(60) @Max(86400 * 30)
  JWT_TTL_SECONDS: number = 900;

  /** Access-token signing algorithm; HS256 is the legacy shared-secret mode (no JWKS). */
  @IsIn(['EdDSA', 'ES256', 'RS256', 'HS256'])
  JWT_ALG: 'EdDSA' | 'ES256' | 'RS256' | 'HS256' = 'EdDSA';

  /** A JWK Set (JSON) of private keys: the first signs, the others only verify. */
  @IsOptional() @IsString()
  JWT_SIGNING_KEYS?: string;

  /** A file holding that JWK Set (a mounted secret); JWT_SIGNING_KEYS wins when both are set. */
  @IsOptional() @IsString()
  JWT_SIGNING_KEYS_FILE?: string;

  /** Comma-separated audiences written into every access token (`aud`). */
  @IsString() @Matches(/^\s*[^\s,]+(\s*,\s*[^\s,]+)*\s*$/, { message: 'JWT_AUDIENCE must be a comma-separated list of names' })
  JWT_AUDIENCE: string = 'password-reset-service';

  /** A session (refresh token) dies after this long without a refresh. */
  @IsInt() @Min(60) @Max(86400 * 365)
  SESSION_IDLE_SECONDS: number = 86400 * 14;

  /** A session dies this long after its login, however often it is refreshed. */
  @IsInt() @Min(60) @Max(86400 * 3650)
  SESSION_MAX_SECONDS: number = 86400 * 90;

  /** Lifetime of the access tokens service clients get (grant_type=client_credentials). */
  @IsInt() @Min(1) @Max(86400)
  SERVICE_TOKEN_TTL_SECONDS: number = 300;

  @IsInt() @Min(4) @Max(15)
  BCRYPT_COST: number = 12;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** `json` or `pretty`; unset: pretty in development when stdout is a terminal, else JSON (always JSON in production). */
  @IsOptional() @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** `composition` (the contracts' rules) or `length` (NIST SP 800-63B: 15 characters, no composition rules). */
  @IsIn(['composition', 'length'])
  PASSWORD_POLICY: 'composition' | 'length' = 'composition';

  // Password reset
  @IsOptional() @IsString()
  RESET_SECRET?: string;

  @IsInt() @Min(1) @Max(86400)
  RESET_TTL_SECONDS: number = 900;

  @IsInt() @Min(1) @Max(1000)
  RESET_MAX_ATTEMPTS: number = 12;

  @IsInt() @Min(1) @Max(10000)
  RESET_SEND_LIMIT: number = 5;

  @IsInt() @Min(1) @Max(86400 * 7)
  RESET_SEND_WINDOW_SECONDS: number = 3600;

  /** Wrong codes per account across all its requests within the window, before codes are refused. */
  @IsInt() @Min(1) @Max(100000)
  RESET_MAX_CODE_FAILURES: number = 100;

  @IsInt() @Min(60) @Max(86400 * 365)
  RESET_CODE_FAILURE_WINDOW_SECONDS: number = 86400 * 30;

  @Transform(toBool) @IsBoolean()
  RESET_HIDE_UNKNOWN_ACCOUNTS: boolean = false;

  /** Reset emails go only to verified addresses. */
  @Transform(toBool) @IsBoolean()
  RESET_REQUIRE_VERIFIED_EMAIL: boolean = false;

  // Email verification
  @IsInt() @Min(60) @Max(86400 * 30)
  EMAIL_VERIFICATION_TTL_SECONDS: number = 86400;

  /** Registering with an address sends it a verification email. */
  @Transform(toBool) @IsBoolean()
  EMAIL_VERIFICATION_ON_REGISTER: boolean = true;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  RESET_LINK_URL?: string;

  // Mail
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString() @MinLength(3)
  MAIL_FROM: string = 'Password Reset <no-reply@localhost>';

  @IsInt() @Min(1) @Max(100)
  MAIL_MAX_ATTEMPTS: number = 10;

  @IsInt() @Min(10) @Max(3_600_000)
  MAIL_RETRY_BASE_MS: number = 1000;

  @IsInt() @Min(10) @Max(86_400_000)
  MAIL_RETRY_MAX_MS: number = 900_000;

  @IsInt() @Min(10) @Max(600_000)
  MAIL_POLL_INTERVAL_MS: number = 1000;

  @IsInt() @Min(1) @Max(64)
  MAIL_CONCURRENCY: number = 16;

  @Transform(toBool) @IsBoolean()
  MAIL_LISTEN: boolean = true;

  @IsIn([...SUPPORTED_LOCALES])
  DEFAULT_LOCALE: string = 'en';

  // What people see: branding and the operator's templates
  @IsOptional() @IsString() @MinLength(1) @MaxLength(80)
  BRAND_NAME?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  BRAND_LOGO_URL?: string;

  @IsOptional()
  @Matches(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { message: 'BRAND_COLOR must be a hex colour such as #0a58ca' })
  BRAND_COLOR?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SUPPORT_URL?: string;

  @IsOptional() @IsEmail()
  SUPPORT_EMAIL?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  LOGIN_URL?: string;

  @IsOptional() @IsString() @MinLength(1)
  TEMPLATES_DIR?: string;

  // Login throttling: failed attempts within the window, per account and per client IP
  @IsInt() @Min(1) @Max(10000)
  LOGIN_MAX_FAILURES: number = 10;

  @IsInt() @Min(1) @Max(100000)
  LOGIN_MAX_FAILURES_PER_IP: number = 100;

  @IsInt() @Min(1) @Max(86400)
  LOGIN_FAILURE_WINDOW_SECONDS: number = 900;

  /** Failed logins per account name from all client IPs within the longer window (distributed guessing). */
  @IsInt() @Min(1) @Max(1_000_000)
  LOGIN_MAX_ACCOUNT_FAILURES: number = 100;

  @IsInt() @Min(60) @Max(86400 * 30)
  LOGIN_ACCOUNT_WINDOW_SECONDS: number = 86400;

  // Production and mesh
  /** Requests per minute per client IP on every public route; 0 turns per-IP limiting off. Unset: 60 in production, 600 otherwise. */
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE?: number;

  /** Shared state for replicas (per-IP limits, per-account send throttle); unset = PostgreSQL/memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /**
   * When true, the client IP is taken from X-Forwarded-For as set by the proxy in front (the
   * last address in the header, the one that proxy appended); a number N trusts N proxies.
   */
  @Transform(toTrustProxy) @IsTrustProxy()
  TRUST_PROXY: boolean | number = false;

  /** Comma-separated origins allowed by CORS; empty = CORS off. */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of http(s):// origins',
  })
  CORS_ORIGINS?: string;

  /** On SIGTERM, readiness answers 503 this long before the server stops accepting connections. */
  @IsInt() @Min(0) @Max(60_000)
  SHUTDOWN_DELAY_MS: number = 0;

  // HTTP timeouts: a client that trickles its request is cut off, not served forever
  /** The whole request (headers and body) must have arrived within this; else 408 and the socket is closed. */
  @IsInt() @Min(100) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  /** The request line and headers must have arrived within this (at most HTTP_REQUEST_TIMEOUT_MS). */
  @IsInt() @Min(100) @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS: number = 10_000;

  /** An idle keep-alive connection is closed after this (behind a load balancer: longer than its idle timeout). */
  @IsInt() @Min(100) @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 30_000;
  // Events to other services
  /** NATS server(s) with JetStream that account events are published to; unset = no NATS. */
  @IsOptional()
  @Matches(/^\s*(nats|tls):\/\/[^\s,]+(\s*,\s*(nats|tls):\/\/[^\s,]+)*\s*$/, {
    message: 'EVENTS_NATS_URL must be a comma-separated list of nats:// or tls:// URLs',
  })
  EVENTS_NATS_URL?: string;

  /** The JetStream stream the events go to (created when missing). */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'EVENTS_NATS_STREAM must be 1-64 letters, digits, _ or -' })
  EVENTS_NATS_STREAM: string = 'AUTH_EVENTS';

  /** Subjects are `<prefix>.<type>`; the stream takes `<prefix>.>`. */
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, { message: 'EVENTS_NATS_SUBJECT_PREFIX must be dot-separated tokens of letters, digits, _ or -' })
  EVENTS_NATS_SUBJECT_PREFIX: string = 'auth';

  /** Comma-separated http(s) URLs every event is POSTed to (Standard Webhooks signatures). */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*\s*$/, {
    message: 'WEBHOOK_URLS must be a comma-separated list of http(s):// URLs',
  })
  WEBHOOK_URLS?: string;

  /** The Standard Webhooks signing secret, `whsec_` + base64 of 24 to 64 random bytes. */
  @IsOptional()
  @ValidateBy({
    name: 'isWebhookSecret',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && isWebhookSecret(v),
      defaultMessage: () => 'WEBHOOK_SECRET must be whsec_ followed by base64 of 24 to 64 bytes',
    },
  })
  WEBHOOK_SECRET?: string;

  /** Delay before the first retry of a failed event delivery; doubles with each attempt. */
  @IsInt() @Min(10) @Max(3_600_000)
  EVENTS_RETRY_BASE_MS: number = 1000;

  @IsInt() @Min(10) @Max(86_400_000)
  EVENTS_RETRY_MAX_MS: number = 300_000;

  /** How often the event delivery worker looks for due deliveries. */
  @IsInt() @Min(10) @Max(60_000)
  EVENTS_POLL_INTERVAL_MS: number = 1000;
}

export type Env = EnvironmentVariables;

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 key bytes. */
export function isWebhookSecret(value: string): boolean {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m || m[1].length % 4 !== 0) return false;
  const bytes = Buffer.from(m[1], 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

/** Parses and validates raw variables; throws one message naming every bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (env.WEBHOOK_URLS && !env.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET: required with WEBHOOK_URLS');
  problems.push(...productionProblems(env));
  if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS)
    problems.push('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  if (problems.length) {
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return env;
}

function productionProblems(env: Env): string[] {
  if (env.NODE_ENV !== NodeEnv.Production) return [];
  const problems: string[] = [];
  if (!env.DATABASE_URL?.startsWith('postgres'))
    problems.push('DATABASE_URL: required in production (a postgres:// URL)');
  if (env.JWT_ALG === 'HS256' && (!env.JWT_SECRET || Buffer.byteLength(env.JWT_SECRET) < 32))
    problems.push('JWT_SECRET: required in production with JWT_ALG=HS256, at least 32 bytes');
  if (env.JWT_ALG !== 'HS256' && !env.JWT_SIGNING_KEYS && !env.JWT_SIGNING_KEYS_FILE)
    problems.push(`JWT_SIGNING_KEYS: required in production with JWT_ALG=${env.JWT_ALG} (or JWT_SIGNING_KEYS_FILE)`);
  if (!env.RESET_SECRET || Buffer.byteLength(env.RESET_SECRET) < 32)
    problems.push('RESET_SECRET: required in production, at least 32 bytes');
  for (const name of ['JWT_SECRET', 'RESET_SECRET'] as const) {
    const value = env[name];
    if (value && Buffer.byteLength(value) >= 32 && isPlaceholderSecret(value))
      problems.push(`${name}: is a published example value; generate one (e.g. openssl rand -base64 48)`);
  }
  if (!env.SMTP_URL) problems.push('SMTP_URL: required in production');
  if (!env.PUBLIC_URL.startsWith('https://'))
    problems.push('PUBLIC_URL: must be an https:// URL in production');
  if (env.BCRYPT_COST < 10) problems.push('BCRYPT_COST: must be at least 10 in production');
  return problems;
}

/** The dev mailbox (GET /dev/mailbox and its page) exists only outside production and without SMTP_URL. */
export function devMailboxEnabled(env: Env): boolean {
  return env.NODE_ENV !== NodeEnv.Production && !env.SMTP_URL;
}

/** The process environment, read once. */
export function readProcessEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
