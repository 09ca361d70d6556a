import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { parseEnv } from '../src/config/env.js';
import { generateSigningJwk } from '../src/config/app-config.js';
import { ROOT } from './support/built-app.js';

/**
 * No Docker engine or cluster runs here, so the image, compose and Kubernetes files are
 * checked as files: the properties production depends on, and that the configuration they
 * give the service passes its own production validation.
 */
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * Variable substitution as docker compose does it from `.env`: `${NAME:-default}`,
 * `${NAME:?error}` (an error when unset) and `${NAME}`.
 */
function composeSubstitute(value: string, dotenv: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    if (dotenv[name]) return dotenv[name];
    if (op === '?') throw new Error(`compose: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

/** The `.env` the README tells how to generate for docker compose. */
const GENERATED_DOTENV = {
  JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }),
  RESET_SECRET: randomBytes(48).toString('base64'),
  POSTGRES_PASSWORD: randomBytes(32).toString('hex'),
};

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('is multi-stage on a slim image of a Node.js LTS line that package.json supports', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const major = Number(/^ARG NODE_IMAGE=node:(\d+)-slim$/m.exec(dockerfile)?.[1]);
    expect(major % 2).toBe(0); // even lines are the LTS ones
    expect(major).toBeGreaterThanOrEqual(24);
    // package.json's engines end in an open range (">=24.15.0") that the image's line is in.
    const engines = JSON.parse(read('package.json')).engines.node as string;
    const openFrom = Number(/>=\s*(\d+)\.\d+\.\d+\s*$/.exec(engines)?.[1]);
    expect(major).toBeGreaterThanOrEqual(openFrom);
    for (const stage of stages) expect(stage).toMatch(/^\$\{NODE_IMAGE\} AS \w+/);
  });

  it('runs production dependencies only, from npm ci --omit=dev, and the compiled dist/', () => {
    const deps = stages.find((s) => s.startsWith('${NODE_IMAGE} AS deps'))!;
    expect(deps).toMatch(/RUN npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).not.toMatch(/RUN npm (ci|install)(?! --omit=dev)/);
  });

  it('runs as a non-root user with NODE_ENV=production under a signal-forwarding PID 1', () => {
    expect(runtime).toMatch(/ENV NODE_ENV=production/);
    const user = /^USER (\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/); // numeric and not root, so runAsNonRoot can verify it
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('exposes 3000 and checks /health/live', () => {
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
    expect(runtime).toMatch(/^EXPOSE 9464$/m);
    expect(runtime).toMatch(/^\s*HOST=0\.0\.0\.0 \\$/m);
    expect(runtime).toMatch(/^\s*METRICS_PORT=9464( \\)?$/m);
    expect(runtime).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD [^\n]*\/health\/live/m);
  });

  it('.dockerignore keeps dependencies, build output, secrets and tests out of the context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.env', '.git', 'test', 'data']) expect(ignored).toContain(entry);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));

  it('runs the service with postgres, redis and mailpit, waiting for the database', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'caddy', 'mailpit', 'postgres', 'redis']);
    const app = compose.services.app;
    expect(app.build).toBe('.');
    expect(app.depends_on.postgres.condition).toBe('service_healthy');
    expect(app.depends_on.redis.condition).toBe('service_healthy');
    expect(compose.services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.mailpit.ports).toEqual(expect.arrayContaining(['8025:8025']));
  });

  const appEnv = (dotenv: Record<string, string>) =>
    Object.fromEntries(
      Object.entries<string>(compose.services.app.environment).map(([k, v]) => [k, composeSubstitute(String(v), dotenv)]),
    );

  it('wires the environment so that production validation passes, with the generated .env', () => {
    const env = appEnv(GENERATED_DOTENV);
    expect(env.NODE_ENV).toBe('production');
    expect(new URL(env.DATABASE_URL).host).toBe('postgres:5432');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.SMTP_URL).toBe('smtp://mailpit:1025');
    expect(env.JWT_SIGNING_KEYS).toBe(GENERATED_DOTENV.JWT_SIGNING_KEYS);
    expect(env.RESET_SECRET).toBe(GENERATED_DOTENV.RESET_SECRET);
    const postgres = Object.fromEntries(
      Object.entries<string>(compose.services.postgres.environment).map(([k, v]) => [k, composeSubstitute(String(v), GENERATED_DOTENV)]),
    );
    expect(env.DATABASE_URL).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
    expect(postgres.POSTGRES_PASSWORD).toBe(GENERATED_DOTENV.POSTGRES_PASSWORD);
    expect(() => parseEnv(env)).not.toThrow();
  });

  it('holds no secret itself: without .env it refuses to start, naming the missing variable', () => {
    const text = read('docker-compose.yml');
    for (const name of ['JWT_SIGNING_KEYS', 'RESET_SECRET', 'POSTGRES_PASSWORD']) {
      expect(text).not.toMatch(new RegExp(`\\$\\{${name}:-`));
      expect(() => appEnv({ ...GENERATED_DOTENV, [name]: '' })).toThrow(new RegExp(`set ${name} in \\.env`));
    }
    expect(compose.services.app.environment.JWT_SIGNING_KEYS).toMatch(/^\$\{JWT_SIGNING_KEYS:\?[^}]+\}$/);
    expect(compose.services.app.environment.JWT_SECRET).toBeUndefined();
    expect(compose.services.app.environment.RESET_SECRET).toMatch(/^\$\{RESET_SECRET:\?[^}]+\}$/);
    expect(compose.services.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
  });

  it('serves PUBLIC_URL over TLS: Caddy on that address, proxying to the service, which trusts it as the one proxy', () => {
    const env = appEnv(GENERATED_DOTENV);
    const publicUrl = new URL(env.PUBLIC_URL);
    expect(publicUrl.protocol).toBe('https:');
    const caddy = compose.services.caddy;
    const command: string[] = caddy.command;
    expect(command.slice(0, 2)).toEqual(['caddy', 'reverse-proxy']);
    expect(command[command.indexOf('--from') + 1]).toBe(publicUrl.origin);
    expect(command[command.indexOf('--to') + 1]).toBe(`app:${env.PORT}`);
    expect(command).toContain('--internal-certs');
    expect(caddy.ports).toEqual([`${publicUrl.port}:${publicUrl.port}`]);
    // A *.localhost name resolves to the loopback address without any setup.
    expect(publicUrl.hostname).toMatch(/\.localhost$/);
    // Only Caddy reaches the service, so its X-Forwarded-For can be trusted.
    expect(compose.services.app.ports).toBeUndefined();
    expect(env.TRUST_PROXY).toBe('true');
  });

  it('is run the way the README says: generate .env, then docker compose up', () => {
    const readme = read('README.md');
    expect(readme).toContain('openssl rand -base64 48');
    expect(readme).toContain('openssl rand -hex 32');
    expect(readme).toContain('npm run -s cli -- keys:rotate');
    expect(readme).toContain('docker compose up --build');
    expect(readme).toContain(new URL(appEnv(GENERATED_DOTENV).PUBLIC_URL).origin);
    expect(readme).toContain('http://localhost:8025');
  });
});

describe('deploy/kubernetes', () => {
  const dir = 'deploy/kubernetes';
  const load = (file: string) => parseAllDocuments(read(`${dir}/${file}`)).map((d) => d.toJS());
  const [deployment] = load('deployment.yaml');
  const [service] = load('service.yaml');
  const [secret] = load('secret.example.yaml');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('runs 2 replicas with liveness, readiness and startup probes on the health routes', () => {
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe.httpGet.path).toBe('/health/live');
    expect(container.ports).toEqual([
      expect.objectContaining({ name: 'http', containerPort: 3000 }),
      expect.objectContaining({ name: 'metrics', containerPort: 9464 }),
    ]);
  });

  it('sets resource requests and limits', () => {
    for (const kind of ['requests', 'limits']) {
      expect(container.resources[kind].cpu).toBeDefined();
      expect(container.resources[kind].memory).toBeDefined();
    }
  });

  it('runs as non-root on a read-only root filesystem, without privileges', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const shutdownDelay = Number(container.env.find((e: { name: string }) => e.name === 'SHUTDOWN_DELAY_MS')?.value ?? 0);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownDelay + 10_000);
  });

  it('takes its secrets from the Secret the example shows, and with real secrets the result passes production validation', () => {
    expect(container.envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    expect(Object.keys(secret.stringData)).toEqual(
      expect.arrayContaining(['JWT_SIGNING_KEYS', 'RESET_SECRET', 'SMTP_URL', 'DATABASE_URL']),
    );
    const env = {
      ...Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
      ...secret.stringData,
    };
    expect(env.NODE_ENV).toBe('production');
    // The example's secrets are placeholders: production refuses them until real ones replace them.
    expect(() => parseEnv(env)).toThrow(/RESET_SECRET: is a published example value/);
    const real = { JWT_SIGNING_KEYS: JSON.stringify({ keys: [generateSigningJwk('EdDSA')] }), RESET_SECRET: randomBytes(48).toString('base64') };
    expect(() => parseEnv({ ...env, ...real })).not.toThrow();
  });

  it('has a Service selecting the pods on the named port, and a kustomization of existing files', () => {
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const kustomization = parse(read(`${dir}/kustomization.yaml`));
    for (const file of kustomization.resources) expect(existsSync(join(ROOT, dir, file))).toBe(true);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
  });
});
