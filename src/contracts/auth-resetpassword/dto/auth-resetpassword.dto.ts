import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { trimString } from '../../../auth/dto/register.dto.js';

export class AuthForgotPasswordDto {
  @ApiProperty({ example: 'user@example.com', maxLength: 254 })
  @Transform(trimString)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: 'de', description: 'Language of the email (also ?locale= or Accept-Language); unsupported values fall back' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string;
}

export class AuthResetPasswordDto {
  @ApiProperty({ example: 'user@example.com', description: 'The email address of the user', maxLength: 254 })
  @Transform(trimString)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'NewSecurePassword123!', description: 'The new password (must meet the password complexity requirements)' })
  @IsString()
  @MaxLength(1024)
  new_password!: string;

  @ApiPropertyOptional({ example: 'NewSecurePassword123!', description: 'Password confirmation (optional, must match new_password if provided)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  confirm_password?: string;

  @ApiPropertyOptional({ example: 'OldPassword123!', description: 'Current password (required for authenticated password change, not needed if using code)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  current_password?: string;
}

export class MessageDto {
  @ApiProperty({ example: 'Verification code sent' })
  message!: string;
}

export class ResetPasswordResultDto {
  @ApiProperty({ example: 'Password reset successful' })
  message!: string;

  @ApiPropertyOptional({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', description: 'Flow 2 only: a fresh token (the change revoked every older one)' })
  access_token?: string;

  @ApiPropertyOptional({ example: 'bearer', enum: ['bearer'], description: 'Flow 2 only' })
  token_type?: 'bearer';

  @ApiPropertyOptional({ example: 900, description: 'Flow 2 only: seconds until the token expires' })
  expires_in?: number;

  @ApiPropertyOptional({ example: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', description: 'Flow 2 only: the refresh token of the one new session (the change revoked every other)' })
  refresh_token?: string;

  @ApiPropertyOptional({ example: 1209600, description: 'Flow 2 only: seconds until the refresh token dies unused' })
  refresh_expires_in?: number;
}
