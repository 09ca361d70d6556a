import { Webhook } from 'standardwebhooks';
import { AppConfig } from '../config/app-config.js';
import { isWebhookSecret, parseEnv } from '../config/env.js';
import { eventDestinations } from './account-events.js';
import { webhookSignature } from './webhook-sender.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');

describe('webhookSignature', () => {
  it('matches the Standard Webhooks reference vector', () => {
    expect(webhookSignature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('is what the standardwebhooks library verifies, and only for that id, time and body', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'e1', type: 'password.reset', data: { method: 'code' } });
    const headers = { 'webhook-id': 'e1', 'webhook-timestamp': String(timestamp), 'webhook-signature': webhookSignature(key, 'e1', timestamp, body) };
    const wh = new Webhook(SECRET);
    expect(wh.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => wh.verify(body, { ...headers, 'webhook-id': 'e2' })).toThrow();
    expect(() => wh.verify(body, { ...headers, 'webhook-timestamp': String(timestamp + 1) })).toThrow();
    expect(() => wh.verify(body.replace('code', 'link'), headers)).toThrow();
  });
});

describe('event settings', () => {
  it.each([
    [SECRET, true],
    [`whsec_${Buffer.alloc(32, 7).toString('base64')}`, true],
    [`whsec_${Buffer.alloc(16, 7).toString('base64')}`, false],
    [`whsec_${Buffer.alloc(65, 7).toString('base64')}`, false],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    ['whsec_not base64!', false],
    ['whsec_', false],
  ])('%j is a valid webhook secret: %s', (secret, ok) => {
    expect(isWebhookSecret(secret)).toBe(ok);
    const parse = () => parseEnv({ WEBHOOK_URLS: 'https://hooks.example.com/auth', WEBHOOK_SECRET: secret });
    if (ok) expect(parse).not.toThrow();
    else expect(parse).toThrow(/WEBHOOK_SECRET/);
  });

  it('needs a secret with webhook URLs, and http(s) URLs', () => {
    expect(() => parseEnv({ WEBHOOK_URLS: 'https://hooks.example.com/auth' })).toThrow(/WEBHOOK_SECRET: required with WEBHOOK_URLS/);
    expect(() => parseEnv({ WEBHOOK_URLS: 'ftp://hooks.example.com', WEBHOOK_SECRET: SECRET })).toThrow(/WEBHOOK_URLS/);
  });

  it('takes nats:// and tls:// server lists, a stream name and a subject prefix', () => {
    expect(() => parseEnv({ EVENTS_NATS_URL: 'http://nats:4222' })).toThrow(/EVENTS_NATS_URL/);
    expect(() => parseEnv({ EVENTS_NATS_STREAM: 'auth.events' })).toThrow(/EVENTS_NATS_STREAM/);
    expect(() => parseEnv({ EVENTS_NATS_SUBJECT_PREFIX: 'auth.>' })).toThrow(/EVENTS_NATS_SUBJECT_PREFIX/);
    const env = parseEnv({});
    expect([env.EVENTS_NATS_STREAM, env.EVENTS_NATS_SUBJECT_PREFIX, env.EVENTS_NATS_URL, env.WEBHOOK_URLS]).toEqual(['AUTH_EVENTS', 'auth', undefined, undefined]);
  });

  it('names one destination for NATS and one per webhook URL', () => {
    const config = (raw: Record<string, string>) => new AppConfig(parseEnv({ JWT_SECRET: 'x'.repeat(32), RESET_SECRET: 'y'.repeat(32), DATA_DIR: '/tmp', ...raw }));
    expect(eventDestinations(config({}))).toEqual([]);
    expect(
      eventDestinations(
        config({ EVENTS_NATS_URL: 'nats://a:4222, nats://b:4222', WEBHOOK_URLS: 'https://one.example/h , https://two.example/h', WEBHOOK_SECRET: SECRET }),
      ),
    ).toEqual(['nats', 'webhook:https://one.example/h', 'webhook:https://two.example/h']);
  });
});
