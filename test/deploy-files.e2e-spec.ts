import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { parseEnv } from '../src/config/env.js';
import { loadJwkSet } from '../src/tokens/jwk-set.js';
import { ROOT } from './support/built-app.js';

/**
 * No Docker engine or cluster runs here, so the image, compose and Kubernetes files are
 * checked as files: the properties production depends on, and that the configuration they
 * give the service passes its own production validation.
 */
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** `${NAME:-default}` substitution as docker compose does it, with an empty environment. */
const composeDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('is multi-stage on a slim Node 20 base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
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
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'mailpit', 'postgres', 'redis']);
    const app = compose.services.app;
    expect(app.build).toBe('.');
    expect(app.depends_on.postgres.condition).toBe('service_healthy');
    expect(app.depends_on.redis.condition).toBe('service_healthy');
    expect(compose.services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(compose.services.mailpit.ports).toEqual(expect.arrayContaining(['8025:8025']));
  });

  it('wires the environment so that production validation passes', () => {
    const env = Object.fromEntries(
      Object.entries<string>(compose.services.app.environment).map(([k, v]) => [k, composeDefaults(String(v))]),
    );
    expect(env.NODE_ENV).toBe('production');
    expect(new URL(env.DATABASE_URL).host).toBe('postgres:5432');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.SMTP_URL).toBe('smtp://mailpit:1025');
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = compose.services.postgres.environment;
    expect(env.DATABASE_URL).toBe(`postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@postgres:5432/${POSTGRES_DB}`);
    expect(() => parseEnv(env)).not.toThrow();
  });

  it('mounts a valid local-only signing key where JWT_SIGNING_KEYS_FILE points', () => {
    const app = compose.services.app;
    const target = app.environment.JWT_SIGNING_KEYS_FILE;
    const mount = app.volumes.find((v: string) => v.endsWith(`:${target}:ro`));
    expect(mount).toBeDefined();
    const keys = loadJwkSet('EdDSA', JSON.parse(read(mount.split(':')[0].replace(/^\.\//, ''))));
    expect(keys[0].kid).toMatch(/^local-only-/);
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
    expect(container.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 3000 })]);
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

  it('takes its secrets from the Secret the example shows, and the result passes production validation', () => {
    expect(container.envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    expect(Object.keys(secret.stringData)).toEqual(
      expect.arrayContaining(['JWT_SIGNING_KEYS', 'RESET_SECRET', 'SMTP_URL', 'DATABASE_URL']),
    );
    const env = {
      ...Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value])),
      ...secret.stringData,
    };
    expect(env.NODE_ENV).toBe('production');
    expect(() => parseEnv(env)).not.toThrow();
  });

  it('has a Service selecting the pods on the named port, and a kustomization of existing files', () => {
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const kustomization = parse(read(`${dir}/kustomization.yaml`));
    for (const file of kustomization.resources) expect(existsSync(join(ROOT, dir, file))).toBe(true);
    expect(kustomization.resources).not.toContain('secret.example.yaml');
  });
});
