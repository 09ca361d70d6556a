import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { presentedCodes } from '../../../common/error-codes.js';
import { LocaleField, NewPasswordField, SixDigitCode, UsernameField } from '../../../common/fields.js';
import type { ErrorShape } from '../../../common/swagger.js';
import { usernameCodePresenter } from '../username-code.presenter.js';

export class SendEmailDto {
  @UsernameField()
  username!: string;

  @LocaleField({ description: 'Also `?locale=` or Accept-Language' })
  locale?: string;
}

export class CheckCodeDto {
  @UsernameField()
  username!: string;

  @SixDigitCode({ example: '482901' })
  code!: string;
}

export class ResetPasswordDto extends CheckCodeDto {
  @NewPasswordField({ example: 'NewPassword1234!' })
  new_password!: string;
}

export class UsernameCodeMessageDto {
  @ApiProperty({ example: 'Sent' })
  msg!: string;
}

export class CodeCorrectDto {
  @ApiProperty({ example: 'Code correct' })
  msg!: string;

  @ApiProperty({ example: 'code_correct', enum: ['code_correct'] })
  success_code!: string;
}

/** Every `error_code` this contract can answer with (read from its presenter). */
export const USERNAME_CODE_ERROR_CODES = presentedCodes(usernameCodePresenter, (body) => body.error_code);

export class UsernameCodeFieldErrorDto {
  @ApiProperty({ example: 'code' })
  field!: string;

  @ApiProperty({ example: 'code must be 6 digits' })
  msg!: string;
}

export class UsernameCodeErrorDto {
  @ApiProperty({ example: 'The code is incorrect' })
  msg!: string;

  @ApiProperty({ example: 'code_incorrect', enum: USERNAME_CODE_ERROR_CODES })
  error_code!: string;

  @ApiPropertyOptional({ type: [String], example: ['uppercase'], description: 'With password_policy: the failed rules' })
  violations?: string[];

  @ApiPropertyOptional({ type: [UsernameCodeFieldErrorDto], description: 'With validation_failed: the invalid fields' })
  errors?: UsernameCodeFieldErrorDto[];
}

export const USERNAME_CODE_ERRORS: ErrorShape = { presenter: usernameCodePresenter, schema: () => UsernameCodeErrorDto };
