import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldError } from './api-error.js';

function flatten(errors: ValidationError[], path: (string | number)[] = []): FieldError[] {
  return errors.flatMap((e) => {
    const loc = [...path, e.property];
    const own = Object.entries(e.constraints ?? {}).map(([type, msg]) => ({ loc, msg, type }));
    return [...own, ...flatten(e.children ?? [], loc)];
  });
}

/** Strict validation: unknown fields, wrong types and missing fields are 400 `validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors, ['body']);
      const message = fieldErrors.map((f) => f.msg).join('; ') || 'Invalid request body';
      return new ApiError(400, 'validation_failed', message, { fieldErrors });
    },
  });
}
