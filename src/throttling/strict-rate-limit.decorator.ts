import { SetMetadata } from '@nestjs/common';

export const STRICT_RATE_LIMIT = 'throttling:strict';

/**
 * Marks a route for the strict per-client-IP limit (a sixth of RATE_LIMIT_PER_MINUTE, at least 1)
 * on top of the general one. Used on login and on every reset-request route ("send me a code").
 * The strict budget is one per client IP, shared by all routes that carry this decorator.
 */
export const StrictRateLimit = () => SetMetadata(STRICT_RATE_LIMIT, true);
