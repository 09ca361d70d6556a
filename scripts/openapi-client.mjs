// Generates a typed client from openapi.json (openapi-typescript), checks that no documented
// parameter or body is typed `unknown` or `never`, type-checks scripts/client/flows.ts against
// it, and runs the flows with openapi-fetch against the built app (dist/, in this process, on
// an in-memory database). `npm run openapi:client` after `npm run build`; run in CI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const generatedDir = join(root, 'scripts/client/generated');
mkdirSync(generatedDir, { recursive: true });

// 1. Generate.
const ast = await openapiTS(new URL('openapi.json', pathToFileURL(root + '/')));
const types = astToString(ast);
writeFileSync(join(generatedDir, 'openapi.d.ts'), types);

// 2. No documented parameter or body typed unknown or never. `never` is right only for what the
//    document does not have: a kind of parameter, a body, a method of a path, a kind of component.
const problems = [];
// The operation and status of the response being read: a response the document gives no
// content (a 204, the 200 of RFC 7009 revocation) has no body, so its `content?: never` is right.
const document = JSON.parse(readFileSync(join(root, 'openapi.json'), 'utf8'));
const bodiless = new Set(
  Object.values(document.paths).flatMap((item) =>
    Object.values(item).flatMap((op) =>
      Object.entries(op.responses ?? {}).filter(([, response]) => !response.content).map(([code]) => `${op.operationId} ${code}`),
    ),
  ),
);
let operation = '';
let status = '';
types.split('\n').forEach((line, i) => {
  if (/^\s*(\/\*\*|\*)/.test(line)) return; // a description
  operation = /^ {4}(\w+): \{$/.exec(line)?.[1] ?? operation;
  status = /^\s*(\d{3}|default): \{$/.exec(line)?.[1] ?? status;
  // openapi-typescript's index signature of response headers (beside the documented ones)
  if (/^\s*\[name: string\]: unknown;$/.test(line)) return;
  const allowedNever =
    /^\s*(query|header|path|cookie|requestBody|parameters|get|put|post|delete|options|head|patch|trace)\?: never;$/.test(line) ||
    /^\s*(responses|parameters|requestBodies|headers|pathItems): never;$/.test(line) ||
    /^export type (webhooks|\$defs) = Record<string, never>;$/.test(line) ||
    (bodiless.has(`${operation} ${status}`) && /^\s*content\?: never;$/.test(line));
  if (/\bunknown\b/.test(line) || (/\bnever\b/.test(line) && !allowedNever)) problems.push(`${i + 1}: ${line.trim()}`);
});
if (problems.length) {
  console.error(`The generated client types documented values as unknown or never:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('generated client: no parameter or body typed unknown or never');

// 3. Type-check and compile the flows against the generated types.
// Inside the project, so that the compiled flows resolve openapi-fetch from node_modules.
const outDir = join(generatedDir, 'build');
rmSync(outDir, { recursive: true, force: true });
const tsc = join(root, 'node_modules/.bin/tsc');
execFileSync(tsc, ['-p', join(root, 'scripts/client/tsconfig.json')], { stdio: 'inherit', cwd: root });
writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
console.log('client flows type-check against the generated types');

// 4. Run them against the built app.
const { createApp } = await import(pathToFileURL(join(root, 'dist/app.js')).href);
const dataDir = mkdtempSync(join(tmpdir(), 'openapi-client-data-'));
const app = await createApp(
  {
    NODE_ENV: 'test',
    DATABASE_URL: 'memory://',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    RATE_LIMIT_PER_MINUTE: '0',
    MAIL_POLL_INTERVAL_MS: '50',
    JWT_SECRET: 'openapi-client-jwt-secret-0123456789abcdef',
    RESET_SECRET: 'openapi-client-reset-secret-0123456789abcd',
  },
  { logger: ['error', 'fatal'] },
);
let failed = false;
try {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address();
  const { runFlows } = await import(pathToFileURL(join(outDir, 'flows.js')).href);
  for (const step of await runFlows(`http://127.0.0.1:${port}`)) console.log(`ok: ${step}`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
