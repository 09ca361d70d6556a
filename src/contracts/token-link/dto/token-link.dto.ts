import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EmailField, LinkTokenField, LocaleField, NewPasswordField, UsernameField } from '../../../common/fields.js';
import { presentedCodes } from '../../../common/error-codes.js';
import { ApiSchemaExtras, EMAIL_OR_USERNAME, ErrorShape } from '../../../common/swagger.js';
import { tokenLinkPresenter } from '../token-link.presenter.js';

@ApiSchemaExtras(EMAIL_OR_USERNAME)
export class ResetRequestDto {
  @EmailField({ unless: 'username', description: 'The account\'s email address (or give `username`)' })
  email?: string;

  @UsernameField({ optional: true, description: 'Alternative to `email`: the account\'s username' })
  username?: string;

  @LocaleField({ description: 'Also `?locale=`' })
  locale?: string;
}

export class TokenResetDto {
  @NewPasswordField({ example: 'NewPassword1234!' })
  password!: string;

  @LinkTokenField({ optional: true, description: 'The token from the email link, when not given as `?token=`' })
  token?: string;
}

export class TokenLinkMessageDto {
  @ApiProperty({ example: 'Password reset successful' })
  message!: string;
}

/** Every `code` this contract can answer with (read from its presenter). */
export const TOKEN_LINK_CODES = presentedCodes(tokenLinkPresenter, (body) => body.code);

export class TokenLinkFieldErrorDto {
  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;
}

export class TokenLinkErrorDto {
  @ApiProperty({ example: 'PASSWORD_RESET_TOKEN_EXPIRED', enum: TOKEN_LINK_CODES })
  code!: string;

  @ApiProperty({ example: 'The password reset token has expired' })
  message!: string;

  @ApiPropertyOptional({ type: [String], example: ['uppercase'], description: 'With PASSWORD_POLICY_VIOLATION: the failed rules' })
  violations?: string[];

  @ApiPropertyOptional({ type: [TokenLinkFieldErrorDto], description: 'With VALIDATION_FAILED: the invalid fields' })
  errors?: TokenLinkFieldErrorDto[];
}

export const TOKEN_LINK_ERRORS: ErrorShape = { presenter: tokenLinkPresenter, schema: () => TokenLinkErrorDto };
