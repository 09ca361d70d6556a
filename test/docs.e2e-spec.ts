import { startTestApp } from './support/app.js';

describe('DOCS_ENABLED', () => {
  it('serves Swagger UI and the OpenAPI document by default, and neither with DOCS_ENABLED=false (404)', async () => {
    const on = await startTestApp();
    try {
      expect((await on.http.get('/docs')).status).toBe(200);
      const doc = await on.http.get('/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
    } finally {
      await on.close();
    }
    const off = await startTestApp({ DOCS_ENABLED: 'false' });
    try {
      for (const path of ['/docs', '/docs/', '/docs-json', '/docs-yaml']) {
        const res = await off.http.get(path);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, error_code: 'not_found' });
      }
      expect((await off.http.get('/health/live')).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
