import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { trimString } from '../../../auth/dto/register.dto.js';

export class ResetRequestDto {
  @ApiPropertyOptional({ example: 'astro.user@example.com', maxLength: 254, description: 'The account\'s email address (or give `username`)' })
  @ValidateIf((o: ResetRequestDto) => o.username === undefined || o.email !== undefined)
  @Transform(trimString)
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'st.huber', maxLength: 190, description: 'Alternative to `email`: the account\'s username' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 190)
  username?: string;

  @ApiPropertyOptional({ example: 'de', description: 'Language of the email (also ?locale=); else DEFAULT_LOCALE' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string;
}

export class TokenResetDto {
  @ApiProperty({ example: 'NewPassword1234!', description: 'At least 8 characters with an uppercase letter, a lowercase letter, a number and a special character' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ example: 'mB3Lq9…', maxLength: 256, description: 'The token from the email link, when not given as ?token=' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  token?: string;
}

export class TokenLinkMessageDto {
  @ApiProperty({ example: 'Password reset successful' })
  message!: string;
}

export const TOKEN_LINK_CODES = [
  'PASSWORD_RESET_TOKEN_MISSING',
  'PASSWORD_RESET_TOKEN_INVALID',
  'PASSWORD_RESET_TOKEN_EXPIRED',
  'USER_NOT_FOUND',
  'EMAIL_NOT_AVAILABLE',
  'PASSWORD_POLICY_VIOLATION',
  'DATABASE_FAILURE',
  'HASH_FAILURE',
  'POST_COMMIT_SIDE_EFFECT_FAILURE',
  'VALIDATION_FAILED',
  'TOO_MANY_REQUESTS',
  'INTERNAL_ERROR',
];

export class TokenLinkErrorDto {
  @ApiProperty({ example: 'PASSWORD_RESET_TOKEN_EXPIRED', enum: TOKEN_LINK_CODES })
  code!: string;

  @ApiProperty({ example: 'The password reset token has expired' })
  message!: string;

  @ApiPropertyOptional({ type: [String], example: ['uppercase'], description: 'With PASSWORD_POLICY_VIOLATION: the failed rules' })
  violations?: string[];
}
