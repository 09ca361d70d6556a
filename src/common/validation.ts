import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError, FieldError } from './api-error.js';
import { refusedInput } from './input-rules.js';

/**
 * `nested`: the errors are of a field's children. The only nested fields are lists of records
 * (ListOfRecords), whose children are named by their index as a string: the path has the number.
 */
function flatten(errors: ValidationError[], path: (string | number)[] = [], nested = false): FieldError[] {
  return errors.flatMap((e) => {
    const loc = [...path, nested && /^\d+$/.test(e.property) ? Number(e.property) : e.property];
    // A missing field says only that it is required, not every rule its absent value fails.
    const constraints = e.constraints?.isDefined ? { isDefined: e.constraints.isDefined } : (e.constraints ?? {});
    const own = Object.entries(constraints).map(([type, msg]) => ({ loc, msg, type }));
    return [...own, ...flatten(e.children ?? [], loc, true)];
  });
}

/** A lone UTF-16 surrogate (JSON allows `"\ud800"`): not text, and it makes validator's isEmail throw. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The path of the first string (value or key) in `value` that is not well-formed Unicode. */
function malformedText(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return [...path, key];
    const found = malformedText(item, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return null;
}

/** Refuses ill-formed Unicode before class-validator sees it (found by the fuzz suite: a 500 from isEmail). */
class WellFormedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const bad = metadata.type === 'custom' ? null : malformedText(value);
    if (bad) {
      const loc = [metadata.type, ...bad];
      const msg = `${bad.join('.') || metadata.type} must be well-formed Unicode text`;
      throw new ApiError(400, 'validation_failed', msg, { fieldErrors: [{ loc, msg, type: 'isWellFormed' }] });
    }
    const refused = refusedInput(value, metadata);
    if (refused) throw refused;
    return super.transform(value, metadata);
  }
}

/** Strict validation: unknown fields, wrong types and missing fields are 400 `validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new WellFormedValidationPipe({
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
