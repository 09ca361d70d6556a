import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { SUPPORTED_LOCALES } from '../../../mail/locale.js';

const numberToString = ({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value);

export class SendEmailDto {
  @ApiProperty({ example: 'st.huber', minLength: 1, maxLength: 190 })
  @IsString()
  @Length(1, 190)
  username!: string;

  @ApiPropertyOptional({ enum: SUPPORTED_LOCALES, description: 'Language of the email (also ?locale= or Accept-Language); an unsupported one falls back to DEFAULT_LOCALE' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string;
}

export class CheckCodeDto {
  @ApiProperty({ example: 'st.huber', minLength: 1, maxLength: 190 })
  @IsString()
  @Length(1, 190)
  username!: string;

  @ApiProperty({ example: '482901', pattern: '^[0-9]{1,6}$', description: 'The 6-digit code from the email' })
  @Transform(numberToString)
  @IsString()
  @Matches(/^\d{1,6}$/, { message: 'code must be at most 6 digits' })
  code!: string;
}

export class ResetPasswordDto extends CheckCodeDto {
  @ApiProperty({ example: 'NewPassword1234!', description: 'Must satisfy the password policy' })
  @IsString()
  @Length(1, 1024)
  new_password!: string;
}

export class CodeCorrectDto {
  @ApiProperty({ example: 'Code correct' })
  msg!: string;

  @ApiProperty({ example: 'code_correct' })
  success_code!: string;
}

export class UsernameCodeErrorDto {
  @ApiProperty({ example: 'The code is incorrect' })
  msg!: string;

  @ApiProperty({
    example: 'code_incorrect',
    enum: ['unknown_username', 'no_email_addresses', 'code_incorrect', 'code_expired', 'rate_limit_exceeded', 'no_reset_requested', 'password_policy', 'validation_failed', 'too_many_requests'],
  })
  error_code!: string;

  @ApiPropertyOptional({ type: [String], example: ['uppercase'], description: 'With password_policy: the failed rules' })
  violations?: string[];
}
