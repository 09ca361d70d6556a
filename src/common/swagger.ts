import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { type ErrorCase, SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS } from './error-catalogue.js';
import { defaultPresenter, ErrorPresenter } from './error-presenters.js';

/** One invalid field in the service's default error body. */
export class FieldErrorDto {
  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, example: ['body', 'email'] })
  loc!: (string | number)[];

  @ApiProperty({ example: 'email must be an email' })
  msg!: string;

  @ApiProperty({ example: 'isEmail', description: 'The rule that failed' })
  type!: string;
}

/** The service's default error body. */
export class ErrorDto {
  @ApiProperty({ example: 404, minimum: 400, maximum: 599, type: 'integer' })
  statusCode!: number;

  @ApiProperty({ example: 'unknown_account' })
  error_code!: string;

  @ApiProperty({ example: 'No account with this email address' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With validation_failed: the invalid fields' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ type: [String], example: ['uppercase', 'special'], description: 'With password_policy: the failed rules' })
  violations?: string[];
}

export type { ErrorCase } from './error-catalogue.js';

/** How a contract renders errors: its presenter, and the schema of each status's body. */
export interface ErrorShape {
  presenter: ErrorPresenter;
  schema(status: number): Type<unknown>;
}

export const DEFAULT_ERROR_SHAPE: ErrorShape = { presenter: defaultPresenter, schema: () => ErrorDto };

export const fieldError = (field: string, msg: string, type: string): ErrorCase => ({
  status: 400,
  code: 'validation_failed',
  message: msg,
  fieldErrors: [{ loc: ['body', field], msg, type }],
});

/** What every JSON body route can answer besides its own errors. */
export const BODY_ERRORS: ErrorCase[] = [
  { status: 400, code: 'invalid_json', message: 'Body is not valid JSON' },
  // A body that cannot be read at all: Content-Length that does not match, a forbidden __proto__ key.
  { status: 400, code: 'bad_request', message: 'Bad request' },
  { status: 413, code: 'payload_too_large', message: 'Request body is larger than 16 KiB' },
  { status: 415, code: 'unsupported_media_type', message: 'Unsupported content type; send application/json' },
];

/**
 * What any request can be answered with before it reaches a route: Node's HTTP parser (see
 * client-error.ts), and a body of an unsupported type (also on GET, see content-type.hook.ts).
 */
export const CONNECTION_ERRORS: ErrorCase[] = [
  { status: 408, code: 'request_timeout', message: 'The request took too long to arrive' },
  { status: 431, code: 'request_header_fields_too_large', message: 'The request line and headers are larger than 16 KiB' },
  { status: 415, code: 'unsupported_media_type', message: 'Unsupported content type; send application/json' },
];

/** What every route can answer: the per-client-IP limit, an internal error, the database away. */
export const SERVICE_ERRORS: ErrorCase[] = [
  TOO_MANY_REQUESTS,
  { status: 500, code: 'internal_error', message: 'Internal server error' },
  SERVICE_UNAVAILABLE,
  ...CONNECTION_ERRORS,
];

const RETRY_AFTER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 1 },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  408: 'The request took too long to arrive',
  409: 'Conflict',
  413: 'Body larger than 16 KiB',
  415: 'Unsupported content type',
  422: 'Request validation failed',
  429: 'Too many requests; wait Retry-After seconds',
  431: 'Request line and headers larger than 16 KiB',
  500: 'Internal error',
  503: 'Temporarily unavailable; wait Retry-After seconds',
};

/**
 * Documents every error status of an operation from the errors it can answer: each status
 * gets its contract's schema, a description naming the codes, and one named example per code,
 * rendered by the contract's own presenter (so an example is exactly what the service sends).
 * A code listed twice keeps its first case.
 */
export function ApiErrors(
  shape: ErrorShape,
  cases: ErrorCase[],
  headers: Record<number, Record<string, { description: string; schema: Record<string, unknown>; required?: boolean }>> = {},
) {
  const byStatus = new Map<number, { name: string; body: unknown }[]>();
  for (const error of cases) {
    const { status, body } = shape.presenter({
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.violations ? { violations: error.violations } : {},
      headers: {},
      fieldErrors: error.fieldErrors,
    });
    const list = byStatus.get(status) ?? [];
    // Named by the code the contract answers with; the first case of a code wins (a route's own
    // wording over the common one).
    const presented = (body as Record<string, unknown>)?.error_code ?? (body as Record<string, unknown>)?.code;
    const name = typeof presented === 'string' ? presented : error.code;
    if (list.some((e) => e.name === name)) continue;
    list.push({ name, body });
    byStatus.set(status, list);
  }
  const decorators = [...byStatus.entries()].map(([status, examples]) => {
    const type = shape.schema(status);
    return ApiResponse({
      status,
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${examples.map((e) => `\`${e.name}\``).join(', ')}`,
      type,
      examples: Object.fromEntries(examples.map((e) => [e.name, { summary: e.name, value: e.body }])),
      ...(status === 429 ? { headers: { 'Retry-After': { ...RETRY_AFTER, required: true } } } : {}),
      ...(status === 503 ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
      ...(headers[status] ? { headers: headers[status] } : {}),
    });
  });
  const types = [...new Set([...byStatus.keys()].map((s) => shape.schema(s)))];
  return applyDecorators(ApiExtraModels(...types), ...decorators);
}

const SCHEMA_EXTRAS = new Map<string, Record<string, unknown>>();

/**
 * Schema keywords a class's properties cannot express (e.g. `anyOf` for "one of these fields is
 * required"), merged into the class's component schema by buildOpenApiDocument.
 */
export function ApiSchemaExtras(extras: Record<string, unknown>): ClassDecorator {
  return (target) => {
    SCHEMA_EXTRAS.set(target.name, extras);
  };
}

export function schemaExtras(): ReadonlyMap<string, Record<string, unknown>> {
  return SCHEMA_EXTRAS;
}

/** "One of email and username is required", for the schemas of bodies that take either. */
export const EMAIL_OR_USERNAME = {
  anyOf: [
    { type: 'object', required: ['email'], properties: { email: { type: 'string' } } },
    { type: 'object', required: ['username'], properties: { username: { type: 'string' } } },
  ],
};
