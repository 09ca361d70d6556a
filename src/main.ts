import { parseEnv, readProcessEnv } from './config/env.js';

async function main(): Promise<void> {
  // Fail fast, with a message naming the variable, before the application's modules are loaded
  // (about 2 s of imports): a misconfigured container is refused in a fraction of a second.
  parseEnv(readProcessEnv());
  const [{ bootLogger, createApp }, { AppConfig }, { MetricsServer }, { whereToGo }] = await Promise.all([
    import('./app.js'),
    import('./config/app-config.js'),
    import('./observability/metrics-server.js'),
    import('./start-message.js'),
  ]);
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: config.host });
  // The port bound, which with PORT=0 is the one the system chose.
  const { port } = app.getHttpServer().address() as { port: number };
  const metrics = app.get(MetricsServer);
  bootLogger.log(`listening on ${config.host}:${port} (${config.database.kind}), metrics on ${config.host}:${metrics.port}`);
  if (config.devMailbox) {
    bootLogger.warn(
      `dev mailbox on: every email, with its reset code and link, is readable at /dev/mailbox from this machine; set SMTP_URL (or NODE_ENV=production) to turn it off`,
    );
  }
  for (const line of whereToGo(config)) bootLogger.log(line);
}

main().catch((err: unknown) => {
  // Configuration errors carry a message naming the variable; other start-up failures are in
  // the log with their stack already. Either way one plain line on stderr, at any LOG_LEVEL.
  const message = err instanceof Error ? err.message : String(err);
  console.error(message.startsWith('Invalid configuration') ? message : `Start-up failed: ${message}`);
  process.exit(1);
});
