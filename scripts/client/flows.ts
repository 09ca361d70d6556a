/**
 * The four reset flows (and accounts), written against a client generated from openapi.json
 * with openapi-typescript and called through openapi-fetch. Type-checked with strict settings,
 * then run against a live app by scripts/openapi-client.mjs: a documented field the generated
 * types get wrong fails the type check; a response that differs fails the run.
 */
import createClient from 'openapi-fetch';
import type { paths } from './generated/openapi.js';

interface MailboxMessage {
  id: string;
  to: string;
  text: string;
}

function expectOk<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) {
    throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

export async function runFlows(baseUrl: string): Promise<string[]> {
  const client = createClient<paths>({ baseUrl });
  const seen = new Set<string>();
  const done: string[] = [];

  /**
   * The newest reset email to `to` not read before, from the development mailbox (outside the
   * document). Registration also sends a verification email with a code and a link: skipped.
   */
  async function nextMail(to: string): Promise<{ code: string; token: string }> {
    for (let i = 0; i < 200; i++) {
      const messages = (await (await fetch(`${baseUrl}/dev/mailbox`, { headers: { accept: 'application/json' } })).json()) as MailboxMessage[];
      const message = messages.find((m) => m.to.includes(to) && !seen.has(m.id) && /\/reset-password\?token=/.test(m.text));
      if (message) {
        seen.add(message.id);
        const code = /^\s*(\d{6})\s*$/m.exec(message.text)?.[1];
        const token = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(message.text)?.[1];
        if (!code || !token) throw new Error(`no code and link in the email to ${to}`);
        return { code, token };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no email to ${to}`);
  }

  const suffix = Date.now().toString(36);
  const username = `client.${suffix}`;
  const email = `client.${suffix}@example.com`;
  const account = expectOk(
    'register',
    await client.POST('/auth/register', { body: { username, email, password: 'Client-Pass-0001!' } }),
  );
  const id: string = account.id;
  const emails: string[] = account.emails;
  if (!id || !emails.includes(email)) throw new Error('register answered another account');
  done.push('accounts: register');

  // forgot-password: email, link token (as `code`), then the FastAPI login.
  expectOk('forgot-password code', await client.POST('/forgot-password/code', { body: { email } }));
  const link = await nextMail(email);
  const confirmed = expectOk(
    'forgot-password confirm',
    await client.POST('/forgot-password/confirm', {
      body: { code: link.token, new_password: 'Client-Pass-0002!', confirm_password: 'Client-Pass-0002!' },
    }),
  );
  const message: string = confirmed.message;
  const login = expectOk('login', await client.POST('/login', { body: { email, password: 'Client-Pass-0002!' } }));
  const bearer: 'bearer' = login.token_type;
  const expiresIn: number = login.expires_in;
  if (!message || bearer !== 'bearer' || !(expiresIn > 0)) throw new Error('unexpected login answer');
  done.push('forgot-password: code, confirm, login');

  // auth-resetpassword flow 1 (code, no token), then flow 2 (Bearer and current_password).
  expectOk('auth forgotpassword', await client.POST('/auth/forgotpassword', { body: { email, locale: 'de' } }));
  const { code } = await nextMail(email);
  expectOk(
    'auth resetpassword flow 1',
    await client.PATCH('/auth/resetpassword', { params: { query: { code } }, body: { email, new_password: 'Client-Pass-0003!' } }),
  );
  const me = expectOk(
    'accounts login',
    await client.POST('/auth/login', { body: { username, password: 'Client-Pass-0003!' } }),
  );
  const changed = expectOk(
    'auth resetpassword flow 2',
    await client.PATCH('/auth/resetpassword', {
      headers: { authorization: `Bearer ${me.access_token}` },
      body: { email, current_password: 'Client-Pass-0003!', new_password: 'Client-Pass-0004!', confirm_password: 'Client-Pass-0004!' },
    }),
  );
  const fresh: string | undefined = changed.access_token;
  if (!fresh) throw new Error('flow 2 answered no fresh token');
  const self = expectOk('me', await client.GET('/auth/me', { headers: { authorization: `Bearer ${fresh}` } }));
  if (self.username !== username) throw new Error('me answered another account');
  done.push('auth-resetpassword: forgotpassword, resetpassword by code, resetpassword by Bearer, me');

  // username-code: sendEmail, checkCode (a number keeps its leading zeros), resetPassword.
  expectOk('sendEmail', await client.POST('/api/auth/forgotPassword/sendEmail', { body: { username, locale: 'en' } }));
  const sent = await nextMail(email);
  const checked = expectOk(
    'checkCode',
    await client.POST('/api/auth/forgotPassword/checkCode', { body: { username, code: Number(sent.code) } }),
  );
  if (checked.success_code !== 'code_correct') throw new Error('checkCode did not answer code_correct');
  expectOk(
    'resetPassword',
    await client.POST('/api/auth/forgotPassword/resetPassword', { body: { username, code: sent.code, new_password: 'Client-Pass-0005!' } }),
  );
  done.push('username-code: sendEmail, checkCode, resetPassword');

  // token-link: reset-request (by email, in a locale), reset with ?token=.
  expectOk('reset-request', await client.POST('/api/auth/password/reset-request', { body: { email, locale: 'de' } }));
  const { token } = await nextMail(email);
  expectOk('reset', await client.POST('/api/auth/password/reset', { params: { query: { token } }, body: { password: 'Client-Pass-0006!' } }));
  const reused = await client.POST('/api/auth/password/reset', { params: { query: { token } }, body: { password: 'Client-Pass-0007!' } });
  const errorCode: string | undefined = reused.error?.code;
  if (reused.response.status !== 401 || errorCode !== 'PASSWORD_RESET_TOKEN_INVALID') throw new Error('a used token was accepted');
  done.push('token-link: reset-request, reset, reset again refused');

  const health = expectOk('live', await client.GET('/health/live'));
  if (health.status !== 'ok') throw new Error('not live');
  done.push('operations: live');
  return done;
}
