import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Transform } from 'class-transformer';
import { trimString } from './register.dto.js';

/**
 * JSON `{email | username, password}`, or the OAuth2 password form
 * (`application/x-www-form-urlencoded`, where `username` may hold an email).
 */
export class LoginDto {
  @ApiPropertyOptional({ example: 'astro.user@example.com' })
  @ValidateIf((o: LoginDto) => o.username === undefined || o.email !== undefined)
  @Transform(trimString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'st.huber', description: 'A username, or an email address' })
  @ValidateIf((o: LoginDto) => o.email === undefined || o.username !== undefined)
  @Transform(trimString)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  username?: string;

  @ApiProperty({ example: 'StrongPassword123!' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  // Fields OAuth2 password-form clients send along; accepted and ignored.
  @ApiPropertyOptional({ description: 'OAuth2 form field, ignored', example: 'password' })
  @ValidateIf(() => false)
  grant_type?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form field, ignored' })
  @ValidateIf(() => false)
  scope?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form field, ignored' })
  @ValidateIf(() => false)
  client_id?: string;

  @ApiPropertyOptional({ description: 'OAuth2 form field, ignored' })
  @ValidateIf(() => false)
  client_secret?: string;
}
