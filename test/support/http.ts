import { conformanceFor } from './openapi-conformance.js';

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  token?: string;
  /** Sent as a URL-encoded form instead of JSON. */
  form?: Record<string, string>;
  /** Sent as is (with the given content type header, if any). */
  raw?: string;
}

/**
 * A small fetch wrapper for end-to-end tests: real HTTP, JSON in and out. Every response is
 * checked against the app's OpenAPI document (see openapi-conformance.ts): one that does not
 * conform throws, and so fails the test that made the request.
 */
export class HttpClient {
  /**
   * `documented: false` for a listener that is not the documented API (the metrics listener):
   * its answers are not checked against the OpenAPI document.
   */
  constructor(
    readonly baseUrl: string,
    private readonly options: { documented?: boolean } = {},
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    } else if (options.raw !== undefined) {
      payload = options.raw;
    } else if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await response.text();
    const problems =
      this.options.documented === false ? [] : (await conformanceFor()).check(method, this.baseUrl + path, response.status, response.headers, text);
    if (problems.length) throw new Error(`The response does not conform to the OpenAPI document:\n${problems.join('\n')}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON; keep the text
    }
    return { status: response.status, body: parsed as T, text, headers: response.headers };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, body, options);
  }

  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, body, options);
  }
}
