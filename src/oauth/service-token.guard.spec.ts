import { randomUUID } from 'node:crypto';
import { Controller, Get } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { TEST_SECRETS } from '../../test/support/app.js';
import { openMigratedPGlite } from '../../test/support/migrated-database.js';
import { AccessTokens } from '../tokens/access-tokens.js';
import { type AuthenticatedClient, ServiceClientsService } from '../clients/service-clients.service.js';
import { ApiExceptionFilter } from '../common/api-exception.filter.js';
import { CommonModule } from '../common/common.module.js';
import { AppConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { OAuthModule } from './oauth.module.js';
import { AcceptsClientCredentials, CurrentServiceClient, RequireScopes } from './service-token.guard.js';

/** Service routes as the admin API will declare them. */
@Controller('probe')
class ProbeController {
  @Get('read')
  @RequireScopes('accounts:read')
  read(@CurrentServiceClient() client: AuthenticatedClient) {
    return client;
  }

  @Get('any')
  @RequireScopes()
  any(@CurrentServiceClient() client: AuthenticatedClient) {
    return client;
  }

  @Get('basic')
  @RequireScopes('accounts:read')
  @AcceptsClientCredentials()
  basic(@CurrentServiceClient() client: AuthenticatedClient) {
    return client;
  }
}

/** ServiceTokenGuard and @RequireScopes in a Nest testing module: real tokens, a real database, real requests (inject). */
describe('ServiceTokenGuard', () => {
  let database: TestDatabase;
  let app: NestFastifyApplication;
  let clients: ServiceClientsService;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // PGlite: a copy of the once-migrated database, not a new one migrated here.
    if (database.url === 'memory://') await openMigratedPGlite();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', ...TEST_SECRETS }),
        CommonModule,
        DatabaseModule,
        OAuthModule,
      ],
      controllers: [ProbeController],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    clients = app.get(ServiceClientsService);
  });
  afterAll(async () => {
    await app.close();
    await database.drop();
  });

  async function get(path: string, authorization?: string) {
    const res = await fetch(url + path, { headers: authorization ? { authorization } : {} });
    const body = await res.json();
    return { statusCode: res.status, json: () => body, headers: { 'www-authenticate': res.headers.get('www-authenticate') } };
  }
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  async function tokenOf(scopes: string[], tokenScopes = scopes): Promise<{ id: string; secret: string; token: string }> {
    const created = await clients.create('probe', scopes);
    const token = await app.get(AccessTokens).sign(created.client_id, { client_id: created.client_id, scope: tokenScopes.join(' '), token_use: 'service' }, 60);
    return { id: created.client_id, secret: created.client_secret, token };
  }

  it('lets in a service token with the scope, and hands the route its client', async () => {
    const { id, token } = await tokenOf(['accounts:read', 'accounts:write']);
    const res = await get('/probe/read', `Bearer ${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, scopes: ['accounts:read', 'accounts:write'] });
  });

  it('refuses a token without the scope: 403 insufficient_scope naming it', async () => {
    const { token } = await tokenOf(['accounts:write']);
    const res = await get('/probe/read', `Bearer ${token}`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ statusCode: 403, error_code: 'insufficient_scope' });
    expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="accounts:read"');
  });

  it('grants only what the client still has: a scope taken from the client is gone from its tokens', async () => {
    const { id, token } = await tokenOf(['accounts:read', 'accounts:write']);
    await app.get(DataSource).query(`UPDATE service_clients SET scopes = '{accounts:write}' WHERE id = $1`, [id]);
    expect((await get('/probe/read', `Bearer ${token}`)).statusCode).toBe(403);
    expect((await get('/probe/any', `Bearer ${token}`)).json()).toEqual({ id, scopes: ['accounts:write'] });
  });

  it('refuses no credentials, a user token, a revoked client’s token and an unknown client’s token: 401 invalid_token', async () => {
    const userToken = (await app.get(AccessTokens).issue(randomUUID(), 0, randomUUID())).access_token;
    const revoked = await tokenOf(['accounts:read']);
    await clients.revoke(revoked.id);
    const unknownClient = await app.get(AccessTokens).sign(randomUUID(), { client_id: 'x', scope: 'accounts:read', token_use: 'service' }, 60);
    for (const authorization of [undefined, `Bearer ${userToken}`, `Bearer ${revoked.token}`, `Bearer ${unknownClient}`, 'Bearer garbage']) {
      const res = await get('/probe/any', authorization);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, error_code: 'invalid_token' });
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    }
  });

  it('takes client credentials (Basic) only on routes marked @AcceptsClientCredentials', async () => {
    const { id, secret } = await tokenOf(['accounts:read']);
    expect((await get('/probe/read', basic(id, secret))).statusCode).toBe(401);
    const res = await get('/probe/basic', basic(id, secret));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id, scopes: ['accounts:read'] });
    const wrong = await get('/probe/basic', basic(id, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error_code: 'invalid_client' });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
    const other = await tokenOf(['accounts:write']);
    expect((await get('/probe/basic', basic(other.id, other.secret))).statusCode).toBe(403);
  });
});
