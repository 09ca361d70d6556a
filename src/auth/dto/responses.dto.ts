import { ApiProperty } from '@nestjs/swagger';

export class AccountDto {
  @ApiProperty({ format: 'uuid', example: '0b9f7c9e-2a51-4cf2-9d53-3f3f3e1b6a10' })
  id!: string;

  @ApiProperty({ example: 'st.huber' })
  username!: string;

  @ApiProperty({ type: [String], example: ['astro.user@example.com'] })
  emails!: string[];
}

export class TokenDto {
  @ApiProperty({ example: 'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6IjNmMWMifQ…' })
  access_token!: string;

  @ApiProperty({ example: 'bearer', enum: ['bearer'] })
  token_type!: 'bearer';

  @ApiProperty({ example: 900, description: 'Seconds until the access token expires' })
  expires_in!: number;

  @ApiProperty({
    example: 'Xq3V8d0bJr5m0Gk2y6uM1cN9pQ4wE7tZsA0hL2fKj8U',
    description: 'Opaque refresh token of the new session (256 random bits); POST /auth/refresh exchanges it for a new pair',
  })
  refresh_token!: string;

  @ApiProperty({ example: 1209600, description: 'Seconds until the refresh token dies unused (idle timeout, capped by the session lifetime)' })
  refresh_expires_in!: number;
}
