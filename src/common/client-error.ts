import type { Socket } from 'node:net';
import { ErrorPresenters, NormalizedError } from './error-presenters.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** What a request Node's HTTP parser refused means, before any route saw it. */
function normalize(err: NodeJS.ErrnoException): NormalizedError {
  const base = { details: {}, headers: {} };
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { ...base, status: 431, code: 'request_header_fields_too_large', message: 'The request line and headers are larger than 16 KiB' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { ...base, status: 408, code: 'request_timeout', message: 'The request took too long to arrive' };
    default:
      return { ...base, status: 400, code: 'bad_request', message: 'Malformed HTTP request' };
  }
}

/** The path of the request line in what the parser had read, when it got that far. */
function pathOf(err: { rawPacket?: unknown }): string {
  const raw = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 2048).toString('latin1') : '';
  const target = /^[A-Z]+ (\S+)/.exec(raw)?.[1] ?? '/';
  return target.startsWith('/') ? target.split('?')[0] : '/';
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (headers over the limit,
 * a malformed request line, a request that never finishes arriving) never reaches Nest, so the
 * exception filter cannot render it. This answers it the same way, in the error shape of the
 * contract that owns the path when the request line was readable, else the service default.
 * `presenters` is read at the time of the error: the application exists only after the adapter.
 */
export function clientErrorHandler(presenters: () => ErrorPresenters | undefined) {
  return (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const error = normalize(err);
    const presenter = presenters()?.forPath(pathOf(err));
    const { status, body } = presenter
      ? presenter(error)
      : { status: error.status, body: { statusCode: error.status, error_code: error.code, message: error.message } };
    const json = JSON.stringify(body);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroy();
  };
}
