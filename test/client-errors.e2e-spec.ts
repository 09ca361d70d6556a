/**
 * Requests Node's HTTP parser refuses before any route sees them (found by the fuzz suite: a
 * query string over the 16 KiB header limit got Fastify's bare `{error, message, statusCode}`).
 * They are answered in the error shape of the contract that owns the path.
 */
import { connect } from 'node:net';
import { startTestApp, TestApp } from './support/app.js';

/** Writes `raw` on a fresh connection and returns status and body of the answer. */
function rawRequest(url: string, raw: string): Promise<{ status: number; contentType: string; body: unknown }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        contentType: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
        body: JSON.parse(rest.join('\r\n\r\n')),
      });
    });
  });
}

describe('requests refused by the HTTP parser', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const huge = `?q=${'x'.repeat(20_000)}`;
  const request = (path: string) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;

  it('answers headers over the limit with 431 in the username-code shape under its prefix', async () => {
    const res = await rawRequest(t.url, request(`/api/auth/forgotPassword/checkCode${huge}`));
    expect(res.status).toBe(431);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.body).toEqual({ msg: expect.any(String), error_code: 'request_header_fields_too_large' });
  });

  it('answers headers over the limit with 431 in the default shape elsewhere', async () => {
    const res = await rawRequest(t.url, request(`/auth/login${huge}`));
    expect(res.status).toBe(431);
    expect(res.body).toEqual({ statusCode: 431, error_code: 'request_header_fields_too_large', message: expect.any(String) });
  });

  it('answers a malformed request line with 400 and an error code', async () => {
    const res = await rawRequest(t.url, 'GARBAGE\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error_code: 'bad_request', message: expect.any(String) });
  });
});
