/**
 * An error with a machine-readable code. Domain services throw these; the exception filter
 * renders them in the body shape of the contract the request came through.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A single invalid request field, kept structured so contracts can render their own shape. */
export interface FieldError {
  /** Path of the field in the request, e.g. ['body', 'email']. */
  loc: (string | number)[];
  msg: string;
  type: string;
}
