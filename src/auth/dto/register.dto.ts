import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export const USERNAME_PATTERN = /^[^\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+$/u;
export const trimString = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value;
export const normalizeEmailInput = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

export class RegisterDto {
  @ApiProperty({ example: 'st.huber', minLength: 1, maxLength: 190 })
  @Transform(trimString)
  @IsString()
  @Length(1, 190)
  @Matches(USERNAME_PATTERN, { message: 'username must not contain control characters' })
  username!: string;

  @ApiPropertyOptional({ example: 'astro.user@example.com', maxLength: 254 })
  @IsOptional()
  @Transform(normalizeEmailInput)
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiProperty({ example: 'StrongPassword123!', description: 'Must satisfy the password policy' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}
