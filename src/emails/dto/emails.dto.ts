import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { EmailField, LocaleField, SIX_DIGIT_MESSAGE, TOKEN_MAX_LENGTH, toSixDigits } from '../../common/fields.js';

export class AddEmailDto {
  @EmailField({ example: 'ada.work@example.com' })
  email!: string;

  @LocaleField()
  locale?: string;
}

export class ResendVerificationDto {
  @LocaleField()
  locale?: string;
}

/** Either the link token, or the address with its code. */
export class VerifyEmailDto {
  @ApiPropertyOptional({
    maxLength: TOKEN_MAX_LENGTH,
    example: 'hihtzhEQZOJhKHVzc-tjm8phvj4UAgNTk6hKlZFVIzPbGPRLqUhUWQvQbMSvTjt4',
    description: 'The token from the link in the verification email; or give `email` and `code`',
  })
  @ValidateIf((o: VerifyEmailDto) => o.token !== undefined || o.email === undefined)
  @IsDefined({ message: '$property or email is required' })
  @IsString({ message: '$property must be a string' })
  @MaxLength(TOKEN_MAX_LENGTH, { message: `$property must be at most ${TOKEN_MAX_LENGTH} characters` })
  token?: string;

  @EmailField({ unless: 'token', description: 'The address being verified (with `code`)' })
  email?: string;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', pattern: '^[0-9]{6}$' },
      { type: 'integer', minimum: 0, maximum: 999_999 },
    ],
    example: '029925',
    description: 'The 6-digit code from the verification email (with `email`); a JSON number gets its leading zeros back',
  })
  @ValidateIf((o: VerifyEmailDto) => o.email !== undefined)
  @IsDefined({ message: '$property is required' })
  @Transform(toSixDigits)
  @Matches(/^[0-9]{6}$/, { message: SIX_DIGIT_MESSAGE })
  code?: string;
}

export class EmailDto {
  @ApiProperty({ format: 'email', example: 'ada.work@example.com' })
  email!: string;

  @ApiProperty({ example: false, description: 'The address resets and notices go to first' })
  primary!: boolean;

  @ApiProperty({ example: false })
  verified!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null, description: 'When the address was verified' })
  verified_at!: string | null;
}

export class VerifiedEmailDto {
  @ApiProperty({ format: 'email', example: 'ada.work@example.com' })
  email!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T13:30:00.000Z' })
  verified_at!: string;
}
