import { Command, CommandRunner, Option } from 'nest-commander';
import { refuse, withServiceClients } from './clients-cli.module.js';
import { KNOWN_SCOPES } from '../tokens/scopes.js';
import { InvalidClientDefinition } from './service-clients.service.js';

interface CreateOptions {
  name?: string;
  scopes?: string[];
  json?: boolean;
}

interface JsonOption {
  json?: boolean;
}

/** `clients:create --name billing --scopes accounts:read,accounts:write [--json]`: the secret is shown this once. */
@Command({ name: 'clients:create', description: 'Create a service client; prints its client_id and client_secret (shown only once)' })
export class ClientsCreateCommand extends CommandRunner {
  async run(_params: string[], options: CreateOptions = {}): Promise<void> {
    if (!options.name) return refuse('--name is required');
    const created = await withServiceClients(async (clients) => {
      try {
        return await clients.create(options.name!, options.scopes ?? []);
      } catch (err) {
        if (err instanceof InvalidClientDefinition) return refuse(err.message);
        throw err;
      }
    });
    if (!created) return;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(created)}\n`);
      return;
    }
    process.stdout.write(
      [
        `client_id:     ${created.client_id}`,
        `client_secret: ${created.client_secret}`,
        `scopes:        ${created.scopes.join(' ')}`,
        'Keep the secret now: only its keyed hash is stored, it cannot be shown again.',
        '',
      ].join('\n'),
    );
  }

  @Option({ flags: '--name <name>', description: 'What the client is, e.g. billing (1 to 100 characters)' })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--scopes <scopes>', description: `Comma-separated scopes: ${KNOWN_SCOPES.join(', ')}` })
  parseScopes(value: string): string[] {
    return value.split(',').map((s) => s.trim()).filter(Boolean);
  }

  @Option({ flags: '--json', description: 'Print one JSON object {"client_id", "client_secret", "scopes"}' })
  parseJson(): boolean {
    return true;
  }
}

/** `clients:list [--json]`: every client, revoked ones included; never a secret. */
@Command({ name: 'clients:list', description: 'List the service clients (id, name, scopes, created, revoked); secrets are never shown' })
export class ClientsListCommand extends CommandRunner {
  async run(_params: string[], options: JsonOption = {}): Promise<void> {
    const clients = await withServiceClients((service) => service.list());
    if (options.json) {
      process.stdout.write(`${JSON.stringify(clients)}\n`);
      return;
    }
    const lines = clients.map((c) =>
      [c.client_id, c.name, c.scopes.join(' '), c.created_at, c.revoked_at ? `revoked ${c.revoked_at}` : 'active'].join('\t'),
    );
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'No service clients\n');
  }

  @Option({ flags: '--json', description: 'Print a JSON array' })
  parseJson(): boolean {
    return true;
  }
}

/** `clients:revoke <client_id>`: the client's tokens stop working on this service at once. */
@Command({ name: 'clients:revoke', arguments: '<client_id>', description: 'Revoke a service client: no new tokens, and its tokens stop working here at once' })
export class ClientsRevokeCommand extends CommandRunner {
  async run([clientId]: string[]): Promise<void> {
    const revoked = await withServiceClients((clients) => clients.revoke(clientId));
    if (!revoked) return refuse(`No active service client ${clientId}`);
    process.stdout.write(`Revoked ${clientId}\n`);
  }
}
