// Writes the OpenAPI document of the built app (dist/) to openapi.json, without listening:
// `npm run openapi` (builds first). CI compares it with what /docs-json serves
// (test/openapi.e2e-spec.ts), so the checked-in file is always the served document.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../dist/app.js';
import { buildOpenApiDocument } from '../dist/openapi.js';

export const DOCUMENT_ENV = {
  NODE_ENV: 'test',
  DATABASE_URL: 'memory://',
  PUBLIC_URL: 'http://localhost:3000',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'openapi-document-jwt-secret-0123456789abcdef',
  RESET_SECRET: 'openapi-document-reset-secret-0123456789abcd',
};

const out = fileURLToPath(new URL('../openapi.json', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'openapi-'));
const app = await createApp({ ...DOCUMENT_ENV, DATA_DIR: dataDir }, { logger: false });
try {
  await app.init();
  writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  console.log(`wrote ${out}`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
