import { bootLogger, createApp } from './app.js';
import { AppConfig } from './config/app-config.js';
import { parseEnv, readProcessEnv } from './config/env.js';
import { whereToGo } from './start-message.js';

async function main(): Promise<void> {
  parseEnv(readProcessEnv()); // fail fast, with a message naming the variable
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  bootLogger.log(`listening on :${config.port} (${config.database.kind})`);
  for (const line of whereToGo(config)) bootLogger.log(line);
}

main().catch((err: unknown) => {
  // Configuration errors carry a message naming the variable; other start-up failures are in
  // the log with their stack already. Either way one plain line on stderr, at any LOG_LEVEL.
  const message = err instanceof Error ? err.message : String(err);
  console.error(message.startsWith('Invalid configuration') ? message : `Start-up failed: ${message}`);
  process.exit(1);
});
