import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { freePort } from './net.js';

export const NATS_SERVER = '/usr/sbin/nats-server';

/** A message as the stream keeps it. */
export interface StreamedEvent {
  subject: string;
  msgId: string | undefined;
  body: { id: string; type: string; time: string; account_id: string; data: Record<string, unknown> };
}

/** A client for reading a stream (and deleting it after the test). */
export class StreamReader {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<StreamReader> {
    const nc = await connect({ servers: url, timeout: 5000 });
    return new StreamReader(nc, await jetstreamManager(nc));
  }

  /** Every message of the stream, in order; [] when the stream does not exist (yet). */
  async messages(stream: string): Promise<StreamedEvent[]> {
    let info;
    try {
      info = await this.jsm.streams.info(stream);
    } catch {
      return [];
    }
    const out: StreamedEvent[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await this.jsm.streams.getMessage(stream, { seq });
      if (!m) continue;
      out.push({ subject: m.subject, msgId: m.header?.get('Nats-Msg-Id'), body: m.json() });
    }
    return out;
  }

  async deleteStream(stream: string): Promise<void> {
    await this.jsm.streams.delete(stream).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/**
 * A nats-server of the test's own, with JetStream and its own store directory, which the
 * test may stop and start again (same port, same store): the shared server is never stopped.
 */
export class OwnNatsServer {
  private child?: ChildProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'events-nats-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnNatsServer> {
    const server = new OwnNatsServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server and resolves once it accepts clients with JetStream ready. */
  async resume(): Promise<void> {
    let output = '';
    const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    this.child = child;
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
      try {
        const reader = await StreamReader.connect(this.url);
        await reader.close();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`nats-server did not come up: ${(err as Error).message}\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Stops the server and waits for it to exit. */
  async pause(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
