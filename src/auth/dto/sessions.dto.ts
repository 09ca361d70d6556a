import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ example: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U', description: 'The refresh token of the last token answer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  refresh_token!: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid', example: '7d4b0f9e-61c2-4a8e-b3f7-2c9d5e1a0b34' })
  id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-23T15:04:05.000Z', description: 'When the login started the session' })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-24T08:30:00.000Z', description: 'The last login or refresh' })
  last_used_at!: string;

  @ApiProperty({ format: 'date-time', example: '2027-02-21T15:04:05.000Z', description: 'The end of its absolute lifetime' })
  expires_at!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0 (X11; Linux x86_64)' })
  user_agent!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  client_ip!: string | null;

  @ApiProperty({ example: true, description: 'Whether this is the session of the access token making the request' })
  current!: boolean;
}
