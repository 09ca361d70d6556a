/**
 * Slow clients: without request deadlines a socket that trickles its headers or body, or sends
 * nothing at all, stayed open for over 330 s, so a few hundred of them held the server's
 * connections. With HTTP_REQUEST_TIMEOUT_MS / HTTP_HEADERS_TIMEOUT_MS they are answered 408 and
 * closed, and a normal client is served meanwhile.
 */
import { connect, Socket } from 'node:net';
import { startTestApp, TestApp } from './support/app.js';

type Kind = 'body' | 'headers' | 'silent';

/** A client that opens a request and then sends one byte every 200 ms (or nothing). */
function slowClient(port: number, kind: Kind): { closed: Promise<{ kind: Kind; answer: string }>; socket: Socket } {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('connect', () => {
    if (kind === 'body') socket.write('POST /api/auth/forgotPassword/sendEmail HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    if (kind === 'headers') socket.write('POST /auth/login HTTP/1.1\r\nHost: x\r\n');
    if (kind !== 'silent') timer = setInterval(() => socket.writable && socket.write(kind === 'body' ? ' ' : 'X-Slow: y\r\n'), 200);
  });
  socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
  socket.on('error', () => {});
  const closed = new Promise<{ kind: Kind; answer: string }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ kind, answer });
    }),
  );
  return { closed, socket };
}

describe('HTTP timeouts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('closes 200 slow sockets with 408 while a normal client is served', async () => {
    const port = Number(new URL(t.url).port);
    const kinds: Kind[] = ['body', 'headers', 'silent'];
    const clients = Array.from({ length: 200 }, (_, i) => slowClient(port, kinds[i % 3]));
    try {
      // While all 200 are open: a normal client gets its answer.
      await new Promise((r) => setTimeout(r, 300));
      expect(clients.every((c) => !c.socket.destroyed)).toBe(true);
      const health = await t.http.get('/health/live');
      expect(health.status).toBe(200);
      const login = await t.http.post('/auth/login', { username: 'nobody', password: 'WrongPassword1!' });
      expect(login.status).toBe(401);

      // Every slow socket is answered 408 and closed by the server (this waits for all of them).
      const results = await Promise.all(clients.map((c) => c.closed));
      for (const { kind, answer } of results) expect([kind, answer.split('\r\n')[0]]).toEqual([kind, 'HTTP/1.1 408 Request Timeout']);
      const body = results.find((r) => r.kind === 'body')!.answer.split('\r\n\r\n')[1];
      expect(JSON.parse(body)).toEqual({ statusCode: 408, error_code: 'request_timeout', message: expect.any(String) });
    } finally {
      for (const c of clients) c.socket.destroy();
    }
  }, 30_000);

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    // Answered and kept open, then closed by the server once idle (this waits for it).
    await closed;
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(answer).toMatch(/keep-alive: timeout=1\b/i);
  }, 30_000);

  it('refuses a headers timeout longer than the request timeout at start-up', async () => {
    await expect(startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).rejects.toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });
});
