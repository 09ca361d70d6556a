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
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…' })
  access_token!: string;

  @ApiProperty({ example: 'bearer', enum: ['bearer'] })
  token_type!: 'bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expires_in!: number;
}
