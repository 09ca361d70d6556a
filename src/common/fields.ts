import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { SUPPORTED_LOCALES } from '../locale/locale.js';

/**
 * Request fields shared by the DTOs: each limit, its message and its documentation are
 * written once here. A missing required field answers only "<field> is required" (see
 * validation.ts, which drops the other messages of a field that is missing).
 */

export const EMAIL_MAX_LENGTH = 254;
export const USERNAME_MAX_LENGTH = 190;
export const PASSWORD_MAX_LENGTH = 1024;
export const TOKEN_MAX_LENGTH = 256;

/** The supported email and page languages; anything else falls back to DEFAULT_LOCALE. */
export const LOCALES: readonly string[] = SUPPORTED_LOCALES;

export const trimString = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const required = (optional: boolean | undefined) =>
  optional ? IsOptional() : IsDefined({ message: '$property is required' });

interface FieldOptions {
  description?: string;
  example?: string;
  optional?: boolean;
  /** Optional only when this other field is given: "<field> or <other> is required". */
  unless?: string;
}

const requiredUnless = (other: string) =>
  applyDecorators(
    ValidateIf((o: Record<string, unknown>, value: unknown) => value !== undefined || o[other] === undefined),
    IsDefined({ message: `$property or ${other} is required` }),
  );

/** An email address: trimmed, at most 254 characters. */
export function EmailField(options: FieldOptions = {}) {
  const doc = {
    format: 'email',
    maxLength: EMAIL_MAX_LENGTH,
    example: options.example ?? 'astro.user@example.com',
    description: options.description,
  };
  return applyDecorators(
    options.optional || options.unless ? ApiPropertyOptional(doc) : ApiProperty(doc),
    options.unless ? requiredUnless(options.unless) : required(options.optional),
    Transform(trimString),
    IsEmail({}, { message: '$property must be an email' }),
    MaxLength(EMAIL_MAX_LENGTH, { message: `$property must be at most ${EMAIL_MAX_LENGTH} characters` }),
  );
}

/** A username: trimmed, 1 to 190 characters. */
export function UsernameField(options: FieldOptions = {}) {
  const doc = {
    minLength: 1,
    maxLength: USERNAME_MAX_LENGTH,
    example: options.example ?? 'st.huber',
    description: options.description,
  };
  return applyDecorators(
    options.optional || options.unless ? ApiPropertyOptional(doc) : ApiProperty(doc),
    options.unless ? requiredUnless(options.unless) : required(options.optional),
    Transform(trimString),
    IsString({ message: '$property must be a string' }),
    Length(1, USERNAME_MAX_LENGTH, { message: `$property must be 1 to ${USERNAME_MAX_LENGTH} characters` }),
  );
}

/** A password the client chooses (or the current one): checked by the password policy, not here. */
export function PasswordField(options: FieldOptions = {}) {
  const doc = {
    format: 'password',
    maxLength: PASSWORD_MAX_LENGTH,
    example: options.example ?? 'StrongPassword123!',
    description: options.description,
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    required(options.optional),
    IsString({ message: '$property must be a string' }),
    MaxLength(PASSWORD_MAX_LENGTH, { message: `$property must be at most ${PASSWORD_MAX_LENGTH} characters` }),
  );
}

/** A new password: the service's password policy applies. */
export function NewPasswordField(options: FieldOptions = {}) {
  return PasswordField({
    ...options,
    description:
      options.description ??
      'At least 8 characters with an uppercase letter, a lowercase letter, a digit and one of !@#$%^&*()_+={}[]|:;\'"<>,.?/; at most 72 bytes in UTF-8; not a common password',
  });
}

/** The link token from the reset email. */
export function LinkTokenField(options: FieldOptions = {}) {
  const doc = {
    maxLength: TOKEN_MAX_LENGTH,
    example: options.example ?? 'hihtzhEQZOJhKHVzc-tjm8phvj4UAgNTk6hKlZFVIzPbGPRLqUhUWQvQbMSvTjt4',
    description: options.description ?? 'The token from the link in the reset email (its `token` query value)',
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    required(options.optional),
    IsString({ message: '$property must be a string' }),
    MaxLength(TOKEN_MAX_LENGTH, { message: `$property must be at most ${TOKEN_MAX_LENGTH} characters` }),
  );
}

/**
 * A JSON number meant as a code loses its leading zeros (029925 arrives as 29925): an integer
 * from 0 to 999999 is read as the 6-digit code it was, left-padded with zeros.
 */
export const toSixDigits = ({ value }: { value: unknown }) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 999_999
    ? String(value).padStart(6, '0')
    : value;

export const SIX_DIGIT_MESSAGE = '$property must be 6 digits';

/** The 6-digit code from the reset email; a string of six digits, or an integer (left-padded). */
export function SixDigitCode(options: Omit<FieldOptions, 'optional'> = {}) {
  return applyDecorators(
    ApiProperty({
      oneOf: [
        { type: 'string', pattern: '^[0-9]{6}$' },
        { type: 'integer', minimum: 0, maximum: 999_999 },
      ],
      example: options.example ?? '029925',
      description:
        options.description ??
        'The 6-digit code from the reset email. A JSON number is read as the code with its leading zeros restored (29925 is 029925).',
    }),
    IsDefined({ message: '$property is required' }),
    Transform(toSixDigits),
    // Matches refuses non-strings too, with the same one message.
    Matches(/^[0-9]{6}$/, { message: SIX_DIGIT_MESSAGE }),
  );
}

/** Any value that is not a supported locale is dropped, so the request falls back (never a 400). */
export const toSupportedLocale = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return undefined;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.includes(primary) ? primary : undefined;
};

export const LOCALE_DESCRIPTION = `Language of the email: ${LOCALES.join(', ')} (a region such as de-AT counts as its language). Any other value falls back to DEFAULT_LOCALE; it is never refused.`;

/** The optional language of the email, one rule for every body: unsupported values fall back. */
export function LocaleField(options: Omit<FieldOptions, 'optional'> = {}) {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      example: options.example ?? 'de',
      description: options.description ? `${options.description}. ${LOCALE_DESCRIPTION}` : LOCALE_DESCRIPTION,
    }),
    Transform(toSupportedLocale),
    IsOptional(),
    IsString(),
  );
}
