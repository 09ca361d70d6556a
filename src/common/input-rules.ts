import type { ArgumentMetadata } from '@nestjs/common';
import { ApiError, FieldError } from './api-error.js';

/**
 * Rules every request value obeys, whatever the route, checked once in the validation pipe
 * before class-transformer and class-validator see the value (both recurse, and a NUL reaching
 * PostgreSQL is a 500):
 *
 * - no control characters (C0, DEL, C1: Unicode category Cc) in any string or key: no contract
 *   field is multi-line, and PostgreSQL refuses NUL in text (a 500 wherever one reached a query);
 * - in a body validated by a DTO class: every field is a single value (string, number or boolean),
 *   never `null`, an array or an object (nested input is refused in one step however wide it
 *   is, and `current_password: null` is not "no current password"), except a field marked
 *   `@ListOfRecords()`: an array of objects whose fields are single values by the same rules;
 * - in fields that name an account (`email`, `username`): no invisible or format characters
 *   (category Cf, bidi controls, soft hyphen, zero-width characters, other default-ignorable
 *   code points), which would make two different-looking strings one person's address.
 */
const CONTROL = /\p{Cc}/u;
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
const ACCOUNT_FIELDS = new Set(['email', 'username']);
const PLAIN_TYPES: unknown[] = [String, Boolean, Number, Array, Object];

type Path = (string | number)[];

const LIST_FIELDS = new WeakMap<object, Set<string>>();

/** A DTO field that holds an array of flat objects (each validated by its own DTO class). */
export function ListOfRecords(): PropertyDecorator {
  return (target, key) => {
    const fields = LIST_FIELDS.get(target.constructor) ?? new Set<string>();
    fields.add(String(key));
    LIST_FIELDS.set(target.constructor, fields);
  };
}

/** The first problem of a `@ListOfRecords()` field: not an array, an item that is not an object, or an item's field that breaks the rules. */
function listProblem(name: string, value: unknown, loc: Path): FieldError | null {
  if (!Array.isArray(value)) return value === null ? fieldProblem(name, value, loc) : null;
  for (const [index, item] of value.entries()) {
    const at = [...loc, index];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { loc: at, msg: `each item of ${name} must be an object`, type: 'isObject' };
    for (const [field, fieldValue] of Object.entries(item)) {
      const problem = fieldProblem(field, fieldValue, [...at, field]);
      if (problem) return problem;
    }
  }
  return null;
}

function firstControl(value: unknown, path: Path): FieldError | null {
  const refuse = (at: Path): FieldError => ({ loc: at, msg: `${at.slice(1).join('.') || at[0]} must not contain control characters`, type: 'noControlCharacters' });
  if (typeof value === 'string') return CONTROL.test(value) ? refuse(path) : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (CONTROL.test(key)) return refuse(at);
    const found = firstControl(item, at);
    if (found) return found;
  }
  return null;
}

function fieldProblem(name: string, value: unknown, loc: Path): FieldError | null {
  if (value === null) return { loc, msg: `${name} must not be null`, type: 'isNotNull' };
  if (typeof value === 'object') return { loc, msg: `${name} must be a single value, not ${Array.isArray(value) ? 'an array' : 'an object'}`, type: 'isSingleValue' };
  if (typeof value === 'string' && ACCOUNT_FIELDS.has(name) && INVISIBLE.test(value)) {
    return { loc, msg: `${name} must not contain invisible or formatting characters`, type: 'noInvisibleCharacters' };
  }
  return null;
}

/** The first rule `value` breaks, as a 400 `validation_failed` for the exception filter; null when it breaks none. */
export function refusedInput(value: unknown, metadata: ArgumentMetadata): ApiError | null {
  if (metadata.type === 'custom') return null;
  // A named parameter (`@Query('code')`) is refused under its name.
  const base: Path = metadata.data ? [metadata.type, metadata.data] : [metadata.type];
  let problem = firstControl(value, base);
  const isDto = typeof metadata.metatype === 'function' && !PLAIN_TYPES.includes(metadata.metatype);
  if (!problem && isDto && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const lists = LIST_FIELDS.get(metadata.metatype as object);
    for (const [name, item] of Object.entries(value)) {
      problem = lists?.has(name) ? listProblem(name, item, [...base, name]) : fieldProblem(name, item, [...base, name]);
      if (problem) break;
    }
  }
  return problem ? new ApiError(400, 'validation_failed', problem.msg, { fieldErrors: [problem] }) : null;
}
