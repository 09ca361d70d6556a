import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { EMAIL_MAX_LENGTH, EmailField, NewPasswordField, trimString, UsernameField, USERNAME_MAX_LENGTH } from '../../common/fields.js';
import { USERNAME_PATTERN } from '../../auth/dto/register.dto.js';
import { ListOfRecords } from '../../common/input-rules.js';

export const ADMIN_PAGE_MAX = 100;
export const ADMIN_PAGE_DEFAULT = 50;
/** Addresses one create may link. */
export const ADMIN_EMAILS_MAX = 10;

const USERNAME_RULE = Matches(USERNAME_PATTERN, { message: 'username must not contain control characters' });

export class AdminNewEmailDto {
  @EmailField({ example: 'ada@example.com' })
  email!: string;

  @ApiPropertyOptional({ example: true, default: false, description: 'Whether the address is known to be verified' })
  @IsOptional()
  @IsBoolean({ message: '$property must be a boolean' })
  verified?: boolean;
}

export class AdminCreateAccountDto {
  @UsernameField({ example: 'ada' })
  @USERNAME_RULE
  username!: string;

  @ApiProperty({ type: [AdminNewEmailDto], maxItems: ADMIN_EMAILS_MAX, description: 'The first address is the primary one' })
  @IsArray({ message: '$property must be an array' })
  @ArrayMaxSize(ADMIN_EMAILS_MAX, { message: `$property must have at most ${ADMIN_EMAILS_MAX} addresses` })
  @ListOfRecords()
  @ValidateNested({ each: true })
  @Type(() => AdminNewEmailDto)
  emails!: AdminNewEmailDto[];

  @NewPasswordField({
    optional: true,
    description: 'Without it, the account gets a "set your password" email at its addresses (a link and a code, as a reset)',
  })
  password?: string;
}

export class AdminUpdateAccountDto {
  @UsernameField({ optional: true, example: 'ada.lovelace' })
  @USERNAME_RULE
  username?: string;

  @ApiPropertyOptional({ example: true, description: 'true: the account cannot log in, gets no reset email, and its sessions end now' })
  @IsOptional()
  @IsBoolean({ message: '$property must be a boolean' })
  disabled?: boolean;
}

export class AdminAccountsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN_PAGE_MAX, default: ADMIN_PAGE_DEFAULT, example: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer' })
  @Min(1, { message: '$property must be at least 1' })
  @Max(ADMIN_PAGE_MAX, { message: `$property must be at most ${ADMIN_PAGE_MAX}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page', maxLength: 200 })
  @IsOptional()
  @IsString({ message: '$property must be a string' })
  @MaxLength(200, { message: '$property must be at most 200 characters' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Accounts whose username starts with this (case-insensitive)', example: 'ada', maxLength: USERNAME_MAX_LENGTH })
  @IsOptional()
  @Transform(trimString)
  @IsString({ message: '$property must be a string' })
  @MaxLength(USERNAME_MAX_LENGTH, { message: `$property must be at most ${USERNAME_MAX_LENGTH} characters` })
  username?: string;

  @ApiPropertyOptional({ description: 'Accounts with an address that starts with this (case-insensitive)', example: 'ada@', maxLength: EMAIL_MAX_LENGTH })
  @IsOptional()
  @Transform(trimString)
  @IsString({ message: '$property must be a string' })
  @MaxLength(EMAIL_MAX_LENGTH, { message: `$property must be at most ${EMAIL_MAX_LENGTH} characters` })
  email?: string;
}

export class AdminAccountEmailDto {
  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: true })
  primary!: boolean;
}

export class AdminAccountDto {
  @ApiProperty({ format: 'uuid', example: '0b9f7c9e-2a51-4cf2-9d53-3f3f3e1b6a10' })
  id!: string;

  @ApiProperty({ example: 'ada' })
  username!: string;

  @ApiProperty({ type: [AdminAccountEmailDto] })
  emails!: AdminAccountEmailDto[];

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T13:00:00.000Z' })
  created_at!: string;
}

export class AdminAccountPageDto {
  @ApiProperty({ type: [AdminAccountDto] })
  accounts!: AdminAccountDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page', example: 'eyJpZCI6IjBiOWY3YzllLTJhNTEtNGNmMi05ZDUzLTNmM2YzZTFiNmExMCJ9' })
  next_cursor!: string | null;
}
