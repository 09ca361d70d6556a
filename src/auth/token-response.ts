import { applyDecorators, Header } from '@nestjs/common';

/**
 * For handlers that answer an access token: no cache may keep the response (RFC 6749 §5.1:
 * `Cache-Control: no-store` and `Pragma: no-cache`).
 */
export const TokenResponse = () => applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
