import { ApiProperty } from '@nestjs/swagger';
import { EmailField, LinkTokenField, NewPasswordField, PasswordField } from '../../../common/fields.js';
import type { ErrorShape } from '../../../common/swagger.js';
import { fastApiPresenter } from '../forgot-password.presenter.js';

export class ForgotPasswordRequestDto {
  @EmailField()
  email!: string;
}

export class ForgotPasswordConfirmationDto {
  @LinkTokenField({
    description:
      'The reset token from the link in the email: the value of its `token` query parameter (`…/reset-password?token=<this value>`), 64 URL-safe characters. This route names no account, so the 6-digit code is not accepted here.',
  })
  code!: string;

  @NewPasswordField()
  new_password!: string;

  @PasswordField({ description: 'Must equal new_password' })
  confirm_password!: string;
}

export class ForgotPasswordMessageDto {
  @ApiProperty({ example: 'Password reset code sent' })
  message!: string;
}

export class FastApiErrorDto {
  @ApiProperty({ example: 'User not found' })
  detail!: string;
}

export class FastApiFieldErrorDto {
  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, example: ['body', 'email'] })
  loc!: (string | number)[];

  @ApiProperty({ example: 'email must be an email' })
  msg!: string;

  @ApiProperty({ example: 'isEmail' })
  type!: string;
}

export class FastApiValidationErrorDto {
  @ApiProperty({ type: [FastApiFieldErrorDto] })
  detail!: FastApiFieldErrorDto[];
}

/** FastAPI's shapes: `{detail: "…"}`, and 422 `{detail: [{loc, msg, type}]}` for validation. */
export const FASTAPI_ERRORS: ErrorShape = {
  presenter: fastApiPresenter,
  schema: (status) => (status === 422 ? FastApiValidationErrorDto : FastApiErrorDto),
};
