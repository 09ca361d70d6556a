import type { HttpClient, HttpResponse } from './http.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/**
 * A browser's view of the page forms over plain HTTP: it opens the form's page first (which sets
 * the CSRF cookie and puts the token in the form), then posts the form with both, as a browser
 * would from the page itself.
 */
export class PageForms {
  private cookie = '';

  constructor(private readonly http: HttpClient) {}

  /** GET a page as a browser, keeping the CSRF cookie. */
  async open(path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const res = await this.http.get(path, { headers: Object.fromEntries(Object.entries({ ...HTML, ...this.cookieHeader(), ...headers }).filter(([, v]) => v !== '')) });
    const set = res.headers.get('set-cookie');
    const match = set && /reset_csrf=([^;]+)/.exec(set);
    if (match) this.cookie = match[1];
    return res;
  }

  /** The token in a page's form. */
  static token(page: HttpResponse): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token in the page:\n${page.text.slice(0, 500)}`);
    return token;
  }

  /** Opens `page` (default: the form's own route), then posts `fields` to `path` with the page's token. */
  async post(path: string, fields: Record<string, string>, { page, headers = {} }: { page?: string; headers?: Record<string, string> } = {}) {
    const opened = await this.open(page ?? path.split('?')[0], headers);
    return this.submit(path, fields, PageForms.token(opened), headers);
  }

  /** Posts `fields` with a token from a page this browser opened earlier (a form left open in a tab). */
  submit(path: string, fields: Record<string, string>, token: string, headers: Record<string, string> = {}) {
    // A header given as '' is left out (a browser that sends no fetch metadata).
    const sent = Object.fromEntries(
      Object.entries({ ...HTML, 'sec-fetch-site': 'same-origin', ...this.cookieHeader(), ...headers }).filter(([, v]) => v !== ''),
    );
    return this.http.post(path, undefined, { form: { _csrf: token, ...fields }, headers: sent });
  }

  private cookieHeader(): Record<string, string> {
    return this.cookie ? { cookie: `reset_csrf=${this.cookie}` } : {};
  }
}
