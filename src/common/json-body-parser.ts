import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/** Deeper JSON is refused before it is parsed: no request body of any contract nests this far. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the JSON text in `body` opens more than `limit` arrays or objects inside one another.
 * One pass over the bytes, without parsing: brackets inside strings do not count (UTF-8
 * continuation bytes never equal an ASCII byte, so scanning bytes is exact). Malformed text is
 * left to the parser.
 */
export function nestsDeeperThan(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Answered like any other body that is not acceptable JSON, in the contract's shape. */
export const tooDeepError = () => new ApiError(400, 'invalid_json', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);

/**
 * The `application/json` parser: the nesting depth is checked before parsing, then Fastify's
 * own parser (secure-json-parse: `__proto__` and `constructor.prototype` refused) runs. Without
 * the check a 16 KiB body of brackets took ~7 ms to parse and then ~300 ms in the validation
 * pipe's recursive walk over the value (which copies its path at every level) to a stack
 * overflow (500), blocking the event loop for every other request meanwhile. Nothing that walks
 * a body now meets more than 32 levels.
 */
export function useDepthLimitedJsonParser(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request: FastifyRequest, body: Buffer, done) => {
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(tooDeepError(), undefined);
      return;
    }
    parse(request, body as unknown as string, done);
  });
}
