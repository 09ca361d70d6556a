import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';

/** `node dist/cli.js <command>` (`npm run cli -- <command>`); `--help` lists the commands. */
async function main(): Promise<void> {
  await CommandFactory.run(CliModule, {
    logger: ['error'],
    cliName: 'password-reset-cli',
    serviceErrorHandler: (err) => {
      // Configuration errors carry a message naming the variable; print it without a stack.
      console.error(err.message.startsWith('Invalid configuration') ? err.message : err);
      process.exitCode = 1;
    },
  });
}

// A command's work is done when run() resolves: exit then, whatever handles a library left open.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
