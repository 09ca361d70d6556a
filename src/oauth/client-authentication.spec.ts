import { parseScopeParameter } from '../tokens/scopes.js';
import { basicCredentials } from './client-authentication.js';

const encode = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('basicCredentials (RFC 6749 §2.3.1)', () => {
  it('splits at the first colon and form-decodes both parts', () => {
    expect(basicCredentials(encode('client:secret'))).toEqual({ clientId: 'client', secret: 'secret' });
    expect(basicCredentials(encode('a%3Ab:c:d'))).toEqual({ clientId: 'a:b', secret: 'c:d' });
    expect(basicCredentials(encode('a+b:%2B'))).toEqual({ clientId: 'a b', secret: '+' });
    expect(basicCredentials(`basic   ${Buffer.from('x:y').toString('base64')}`)).toEqual({ clientId: 'x', secret: 'y' });
  });

  it.each([
    ['no colon', encode('client')],
    ['a broken percent escape', encode('client:%E0%A4%A')],
    ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
    ['no credentials', 'Basic'],
    ['characters outside base64', 'Basic a:b'],
    ['an empty header', ''],
  ])('refuses %s', (_name, header) => {
    expect(basicCredentials(header)).toBeNull();
  });
});

describe('parseScopeParameter (RFC 6749 §3.3)', () => {
  it('answers the scope tokens, each once', () => {
    expect(parseScopeParameter('accounts:read')).toEqual(['accounts:read']);
    expect(parseScopeParameter('accounts:read accounts:write accounts:read')).toEqual(['accounts:read', 'accounts:write']);
  });

  it.each(['', ' accounts:read', 'accounts:read ', 'a  b', 'a\tb', 'a"b', 'a\\b', 'é'])('refuses %j', (value) => {
    expect(parseScopeParameter(value)).toBeNull();
  });
});
