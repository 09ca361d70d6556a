import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, NewPasswordField, trimString, USERNAME_MAX_LENGTH } from '../../common/fields.js';

export { trimString };
export const USERNAME_PATTERN = /^[^\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+$/u;
export const normalizeEmailInput = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class RegisterDto {
  @ApiProperty({ example: 'st.huber', minLength: 1, maxLength: USERNAME_MAX_LENGTH, description: 'No control or format characters' })
  @IsDefined({ message: '$property is required' })
  @Transform(trimString)
  @IsString()
  @Length(1, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: 'username must not contain control characters' })
  username!: string;

  @ApiPropertyOptional({ example: 'astro.user@example.com', format: 'email', maxLength: EMAIL_MAX_LENGTH })
  @IsOptional()
  @Transform(normalizeEmailInput)
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email?: string;

  @NewPasswordField()
  password!: string;
}
