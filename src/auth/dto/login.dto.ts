import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { EMAIL_MAX_LENGTH, PasswordField, trimString } from '../../common/fields.js';
import { ApiSchemaExtras, EMAIL_OR_USERNAME } from '../../common/swagger.js';

/**
 * JSON `{email | username, password}`, or the OAuth2 password form
 * (`application/x-www-form-urlencoded`, where `username` may hold an email).
 */
@ApiSchemaExtras(EMAIL_OR_USERNAME)
export class LoginDto {
  @ApiPropertyOptional({ example: 'astro.user@example.com', maxLength: EMAIL_MAX_LENGTH, description: 'The account\'s email address (or give `username`)' })
  @ValidateIf((o: LoginDto) => o.username === undefined || o.email !== undefined)
  @IsDefined({ message: 'email or username is required' })
  @Transform(trimString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(EMAIL_MAX_LENGTH)
  email?: string;

  @ApiPropertyOptional({ example: 'st.huber', minLength: 1, maxLength: EMAIL_MAX_LENGTH, description: 'A username, or an email address (or give `email`)' })
  @ValidateIf((o: LoginDto) => o.username !== undefined)
  @Transform(trimString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(EMAIL_MAX_LENGTH)
  username?: string;

  @PasswordField()
  password!: string;

  // Fields OAuth2 password-form clients send along; accepted and ignored.
  @ValidateIf(() => false)
  grant_type?: string;

  @ValidateIf(() => false)
  scope?: string;

  @ValidateIf(() => false)
  client_id?: string;

  @ValidateIf(() => false)
  client_secret?: string;
}

/** The OAuth2 password grant form (RFC 6749 4.3), as FastAPI's OAuth2PasswordRequestForm reads it. */
export class OAuth2PasswordFormDto {
  @ApiProperty({ example: 'astro.user@example.com', minLength: 1, maxLength: EMAIL_MAX_LENGTH, description: 'A username or an email address' })
  username!: string;

  @ApiProperty({ example: 'StrongPassword123!', format: 'password', maxLength: 1024 })
  password!: string;

  @ApiPropertyOptional({ example: 'password', description: 'Ignored' })
  grant_type?: string;

  @ApiPropertyOptional({ example: '', description: 'Ignored' })
  scope?: string;

  @ApiPropertyOptional({ description: 'Ignored' })
  client_id?: string;

  @ApiPropertyOptional({ format: 'password', description: 'Ignored' })
  client_secret?: string;
}
