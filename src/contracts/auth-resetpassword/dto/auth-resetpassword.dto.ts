import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EmailField, LocaleField, NewPasswordField, PasswordField } from '../../../common/fields.js';
import { ErrorDto, ErrorShape } from '../../../common/swagger.js';
import { authResetPasswordPresenter } from '../auth-resetpassword.presenter.js';

export class AuthForgotPasswordDto {
  @EmailField({ example: 'user@example.com', description: 'The email address of the user' })
  email!: string;

  @LocaleField({ description: 'Also `?locale=` or Accept-Language' })
  locale?: string;
}

export class AuthResetPasswordDto {
  @EmailField({ example: 'user@example.com', description: 'The email address of the user' })
  email!: string;

  @NewPasswordField({ example: 'NewSecurePassword123!', description: 'The new password to be set (must meet the password complexity requirements)' })
  new_password!: string;

  @PasswordField({ optional: true, example: 'NewSecurePassword123!', description: 'Password confirmation (optional, must match new_password if provided)' })
  confirm_password?: string;

  @PasswordField({ optional: true, example: 'OldPassword123!', description: 'Flow 2 only: the current password (with the Bearer token); leave it out in flow 1' })
  current_password?: string;
}

export class AuthMessageDto {
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

  @ApiPropertyOptional({ example: 900, type: 'integer', description: 'Flow 2 only: seconds until the token expires' })
  expires_in?: number;

  @ApiPropertyOptional({ example: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', description: 'Flow 2 only: the refresh token of the one new session (the change revoked every other)' })
  refresh_token?: string;

  @ApiPropertyOptional({ example: 1209600, description: 'Flow 2 only: seconds until the refresh token dies unused' })
  refresh_expires_in?: number;
}

/** The auth-resetpassword contract answers errors in the service's default body. */
export const AUTH_RESETPASSWORD_ERRORS: ErrorShape = { presenter: authResetPasswordPresenter, schema: () => ErrorDto };
