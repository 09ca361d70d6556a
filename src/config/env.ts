import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  validateSync,
} from 'class-validator';

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

  @IsInt() @Min(4) @Max(15)
  BCRYPT_COST: number = 12;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

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

  @Transform(toBool) @IsBoolean()
  RESET_HIDE_UNKNOWN_ACCOUNTS: boolean = false;

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

  @IsIn(['en', 'de'])
  DEFAULT_LOCALE: string = 'en';

  // Login throttling: failed attempts within the window, per account and per client IP
  @IsInt() @Min(1) @Max(10000)
  LOGIN_MAX_FAILURES: number = 10;

  @IsInt() @Min(1) @Max(100000)
  LOGIN_MAX_FAILURES_PER_IP: number = 100;

  @IsInt() @Min(1) @Max(86400)
  LOGIN_FAILURE_WINDOW_SECONDS: number = 900;

  // Production and mesh
  /** Requests per minute per client IP on every public route; 0 turns per-IP limiting off. */
  @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 60;

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
}

export type Env = EnvironmentVariables;

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
  problems.push(...productionProblems(env));
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
  if (!env.SMTP_URL) problems.push('SMTP_URL: required in production');
  if (!env.PUBLIC_URL.startsWith('https://'))
    problems.push('PUBLIC_URL: must be an https:// URL in production');
  if (env.BCRYPT_COST < 10) problems.push('BCRYPT_COST: must be at least 10 in production');
  return problems;
}

/** The process environment, read once. */
export function readProcessEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
