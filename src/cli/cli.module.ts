import { Module } from '@nestjs/common';
import { KeysRotateCommand } from '../tokens/keys-rotate.command.js';

/** The operator commands of `npm run cli -- <command>`. */
@Module({ providers: [KeysRotateCommand] })
export class CliModule {}
