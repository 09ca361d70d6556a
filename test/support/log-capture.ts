/** A pino destination that keeps every JSON line, for tests that read the logs. */
export class LogCapture {
  readonly lines: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim()) this.lines.push(line);
  }

  /** All output so far, as one string: what a secret must never appear in. */
  get text(): string {
    return this.lines.join('\n');
  }

  records(): Record<string, any>[] {
    return this.lines.map((l) => JSON.parse(l));
  }

  /** The "request completed"/"request failed" lines, optionally for one request id. */
  requests(requestId?: string): Record<string, any>[] {
    return this.records().filter(
      (r) => (r.msg === 'request completed' || r.msg === 'request failed') && (!requestId || r.req?.id === requestId),
    );
  }

  /** Waits for the request line of `requestId` (pino-http logs it when the response finishes). */
  async waitForRequest(requestId: string, timeoutMs = 2000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [line] = this.requests(requestId);
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no request log line for ${requestId}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
