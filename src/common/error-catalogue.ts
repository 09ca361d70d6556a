import { ApiError, type FieldError } from './api-error.js';

/** An error a route can answer, in the service's own terms; the contract's presenter renders it. */
export interface ErrorCase {
  status: number;
  code: string;
  message: string;
  violations?: string[];
  fieldErrors?: FieldError[];
}

/**
 * The errors more than one part of the service answers, each worded once: thrown through the
 * builders, documented through the cases (ApiErrors), so the two cannot drift apart.
 */

/** `Retry-After` in whole seconds, at least 1. */
export const retryAfter = (seconds: number): Record<string, string> => ({
  'Retry-After': String(Math.max(1, Math.ceil(seconds))),
});

/** How long a client waits while the database does not answer. */
const DATABASE_AWAY_RETRY_SECONDS = 5;

export const UNAUTHORIZED: ErrorCase = { status: 401, code: 'unauthorized', message: 'A valid Bearer access token is required' };
export const TOO_MANY_REQUESTS: ErrorCase = { status: 429, code: 'too_many_requests', message: 'Too many requests, try again later' };
export const TOO_MANY_RESET_REQUESTS: ErrorCase = { status: 429, code: 'too_many_requests', message: 'Too many password reset requests; try again later' };
export const TOO_MANY_ATTEMPTS: ErrorCase = { status: 429, code: 'too_many_attempts', message: 'Too many failed attempts, try again later' };
export const SERVICE_UNAVAILABLE: ErrorCase = {
  status: 503,
  code: 'service_unavailable',
  message: 'The service is temporarily unavailable, try again shortly',
};

const raise = ({ status, code, message }: ErrorCase, headers: Record<string, string>) => new ApiError(status, code, message, {}, headers);

/** 401 for a missing, invalid or revoked Bearer token. */
export const unauthorized = () => raise(UNAUTHORIZED, { 'WWW-Authenticate': 'Bearer' });

/** 429 from a request budget (per client IP); each contract's presenter renders its own body. */
export const tooManyRequests = (retryAfterSeconds: number) => raise(TOO_MANY_REQUESTS, retryAfter(retryAfterSeconds));

/** 429 from the reset send throttle (RESET_SEND_LIMIT per subject). */
export const tooManyResetRequests = (retryAfterSeconds: number) => raise(TOO_MANY_RESET_REQUESTS, retryAfter(retryAfterSeconds));

/** 429 from the failed-login throttle. */
export const tooManyAttempts = (retryAfterSeconds: number) => raise(TOO_MANY_ATTEMPTS, retryAfter(retryAfterSeconds));

/** 503 while the database does not answer. */
export const databaseAway = () => raise(SERVICE_UNAVAILABLE, retryAfter(DATABASE_AWAY_RETRY_SECONDS));
