import { Injectable } from '@nestjs/common';
import { FieldError } from './api-error.js';

/** Any failure, reduced to what a contract needs to render it. */
export interface NormalizedError {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
  headers: Record<string, string>;
  fieldErrors?: FieldError[];
}

export interface PresentedError {
  status: number;
  body: unknown;
  /** Headers the contract adds to the error's own (e.g. FastAPI's WWW-Authenticate on a 401 login). */
  headers?: Record<string, string>;
}

export type ErrorPresenter = (error: NormalizedError) => PresentedError;

/** The service default: `{statusCode, error_code, message, ...details}`. */
export const defaultPresenter: ErrorPresenter = (e) => ({
  status: e.status,
  body: {
    statusCode: e.status,
    error_code: e.code,
    message: e.message,
    ...(e.fieldErrors ? { errors: e.fieldErrors } : {}),
    ...e.details,
  },
});

/**
 * Each contract renders errors in its own body shape. Contracts register the path
 * prefixes they own; every error under such a path (validation, body parsing, 404, 429,
 * domain errors) goes through that contract's presenter.
 */
@Injectable()
export class ErrorPresenters {
  private readonly routes: { prefix: string; presenter: ErrorPresenter }[] = [];

  register(prefixes: string[], presenter: ErrorPresenter): void {
    for (const prefix of prefixes) this.routes.push({ prefix: prefix.toLowerCase(), presenter });
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  forPath(path: string): ErrorPresenter {
    const lower = path.toLowerCase();
    const match = this.routes.find(
      ({ prefix }) => lower === prefix || lower.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
    );
    return match?.presenter ?? defaultPresenter;
  }
}
