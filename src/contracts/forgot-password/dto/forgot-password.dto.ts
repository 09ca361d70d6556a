import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { trimString } from '../../../auth/dto/register.dto.js';

export class ForgotPasswordRequestDto {
  @ApiProperty({ example: 'astro.user@example.com', maxLength: 254 })
  @Transform(trimString)
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class ForgotPasswordConfirmationDto {
  @ApiProperty({
    example: 'ABC123',
    maxLength: 256,
    description: 'The reset token from the link in the email (the `token` query value). This route names no account, so the 6-digit code is not accepted here.',
  })
  @IsString()
  @MaxLength(256)
  code!: string;

  @ApiProperty({ example: 'StrongPassword123!', description: 'Must satisfy the password policy' })
  @IsString()
  @MaxLength(1024)
  new_password!: string;

  @ApiProperty({ example: 'StrongPassword123!', description: 'Must equal new_password' })
  @IsString()
  @MaxLength(1024)
  confirm_password!: string;
}

export class MessageDto {
  @ApiProperty({ example: 'Password reset code sent' })
  message!: string;
}

export class FastApiErrorDto {
  @ApiProperty({ example: 'User not found' })
  detail!: string;
}

class FastApiFieldErrorDto {
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
