import { Module } from '@nestjs/common';
import { ClientsCreateCommand, ClientsListCommand, ClientsRevokeCommand } from '../clients/clients.commands.js';
import { KeysRotateCommand } from '../tokens/keys-rotate.command.js';

/** The operator commands of `npm run cli -- <command>`. */
@Module({ providers: [KeysRotateCommand, ClientsCreateCommand, ClientsListCommand, ClientsRevokeCommand] })
export class CliModule {}
