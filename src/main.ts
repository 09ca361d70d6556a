import { bootLogger, createApp } from './app.js';
import { AppConfig } from './config/app-config.js';
import { parseEnv, readProcessEnv } from './config/env.js';
import { MetricsServer } from './observability/metrics-server.js';
import { whereToGo } from './start-message.js';

async function main(): Promise<void> {
  parseEnv(readProcessEnv()); // fail fast, with a message naming the variable
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: config.host });
  const metrics = app.get(MetricsServer);
  bootLogger.log(`listening on ${config.host}:${config.port} (${config.database.kind}), metrics on ${config.host}:${metrics.port}`);
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
