import { devMailboxAllows, isLoopbackAddress } from './dev-mailbox-access.js';

describe('dev mailbox access', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])('treats %s as loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['192.0.2.2', '10.0.0.1', '0.0.0.0', '::', '::ffff:10.0.0.1', 'fd00::2', 'fe80::1', 'localhost', '', 'not an ip', undefined])(
    'treats %p as not loopback',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );

  it('refuses a loopback peer that relays a request for someone else (a proxy on this machine)', () => {
    expect(devMailboxAllows('127.0.0.1', {})).toBe(true);
    expect(devMailboxAllows('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).toBe(false);
    expect(devMailboxAllows('127.0.0.1', { forwarded: 'for=203.0.113.7' })).toBe(false);
    expect(devMailboxAllows('::1', { 'x-real-ip': '203.0.113.7' })).toBe(false);
  });

  it('never takes the client from X-Forwarded-For', () => {
    expect(devMailboxAllows('192.0.2.2', { 'x-forwarded-for': '127.0.0.1' })).toBe(false);
  });
});
