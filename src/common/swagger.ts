import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The service's default error body. */
export class ErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'validation_failed' })
  error_code!: string;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Invalid fields' })
  errors?: unknown[];

  @ApiPropertyOptional({ type: [String], example: ['uppercase', 'special'], description: 'Failed password rules' })
  violations?: string[];
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `validation_failed`, `invalid_json`, `password_policy`',
  413: 'Body larger than 16 KiB: `payload_too_large`',
  415: 'Unsupported content type: `unsupported_media_type`',
  429: 'Too many requests: `too_many_requests`',
  503: 'The database is unreachable: `service_unavailable`',
};

/** Documents the default error body for the given statuses. */
export function ApiErrorResponses(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, type: ErrorDto, description: DEFAULT_DESCRIPTIONS[status] ?? 'Error' }),
    ),
  );
}
