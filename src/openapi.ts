import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ACCOUNTS_TAG_OBJECT } from './auth/accounts.tag.js';
import { TOKENS_TAG_OBJECT } from './tokens/tokens.tag.js';
import { AppConfig } from './config/app-config.js';
import { AUTH_RESETPASSWORD_TAG_OBJECT } from './contracts/auth-resetpassword/auth-resetpassword.tag.js';
import { FORGOT_PASSWORD_TAG_OBJECT } from './contracts/forgot-password/forgot-password.tag.js';
import { TOKEN_LINK_TAG_OBJECT } from './contracts/token-link/token-link.tag.js';
import { USERNAME_CODE_TAG_OBJECT } from './contracts/username-code/username-code.tag.js';
import { OPERATIONS_TAG_OBJECT } from './health/health.tag.js';
import { oauthSecuritySchemes, OAUTH_TAG_OBJECT } from './oauth/oauth.openapi.js';
import { ADMIN_TAG_OBJECT } from './admin/admin.tag.js';
import { schemaExtras } from './common/swagger.js';

/** Swagger UI's order: accounts and sessions, the four contracts, OAuth for other services, then operations. */
const TAGS = [
  ACCOUNTS_TAG_OBJECT,
  TOKENS_TAG_OBJECT,
  FORGOT_PASSWORD_TAG_OBJECT,
  AUTH_RESETPASSWORD_TAG_OBJECT,
  USERNAME_CODE_TAG_OBJECT,
  TOKEN_LINK_TAG_OBJECT,
  OAUTH_TAG_OBJECT,
  ADMIN_TAG_OBJECT,
  OPERATIONS_TAG_OBJECT,
];

/**
 * Routes the service answers that are not part of the API and so not in the document: the
 * development mailbox (absent in production; JSON or HTML by Accept). The hosted pages, their
 * assets and /metrics exclude themselves (ApiExcludeController).
 */
const OUTSIDE_THE_DOCUMENT = ['/dev/mailbox'];

/** The only form bodies the service takes: the two login routes (the OAuth2 password form). */
const FORM_BODIES: Record<string, string> = { '#/components/schemas/LoginDto': '#/components/schemas/OAuth2PasswordFormDto' };

type Schema = Record<string, unknown> & { type?: string; properties?: Record<string, Schema>; additionalProperties?: unknown };

/**
 * What the decorators cannot say: every object schema is closed (the validation pipe refuses
 * unknown fields, and every response body is exactly its DTO), class-level keywords
 * (ApiSchemaExtras), form bodies only on the login routes, and no undocumented path.
 */
function finish(doc: OpenAPIObject): OpenAPIObject {
  for (const path of OUTSIDE_THE_DOCUMENT) delete doc.paths[path];
  const extras = schemaExtras();
  for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>)) {
    if (schema.type === 'object' && schema.additionalProperties === undefined) schema.additionalProperties = false;
    Object.assign(schema, extras.get(name));
  }
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      const content = (operation as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } })?.requestBody?.content;
      const form = content?.['application/x-www-form-urlencoded'];
      if (content && form?.schema?.$ref && FORM_BODIES[form.schema.$ref]) {
        content['application/x-www-form-urlencoded'] = { schema: { $ref: FORM_BODIES[form.schema.$ref] } };
      }
    }
  }
  return doc;
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Password reset and credentials service')
    .setDescription(
      'Accounts, login, and four forgot-password contracts on one reset core. ' +
        'Each contract is its own tag and keeps the error-body shape its clients expect. ' +
        'JSON bodies must be sent as `application/json` (415 otherwise); only the two login routes also take the OAuth2 password form, and the `/oauth` routes take only forms (`application/x-www-form-urlencoded`). ' +
        'Bodies are limited to 16 KiB (413).',
    )
    .setVersion('1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer(app.get(AppConfig).publicUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /auth/login or POST /login' });
  oauthSecuritySchemes(builder, app.get(AppConfig).publicUrl);
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  const config = builder.build();
  config.info.contact = { name: 'Password reset service maintainers' };
  return finish(SwaggerModule.createDocument(app, config));
}

/** Swagger UI at /docs, the OpenAPI 3 document at /docs-json. */
export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, tryItOutEnabled: true },
  });
}
