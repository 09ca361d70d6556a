import { DataSource } from 'typeorm';
import type { TestApp } from './app.js';

export const PASSWORD = 'StrongPassword123!';
export const NEW_PASSWORD = 'NewPassword1234!';

let counter = 0;
/** A unique name per call, so tests in one file never share accounts. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}${counter}`;
}

export interface TestAccount {
  id: string;
  username: string;
  email: string;
  password: string;
}

/** Registers an account through the API, with one email address (or none). */
export async function createAccount(t: TestApp, options: { withEmail?: boolean; password?: string } = {}): Promise<TestAccount> {
  const username = uniqueName();
  const email = `${username}@example.com`;
  const password = options.password ?? PASSWORD;
  const res = await t.http.post('/auth/register', {
    username,
    password,
    ...(options.withEmail === false ? {} : { email }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { id: res.body.id, username, email, password };
}

/** Links one more address to an account (there is no public route for it yet). */
export async function addEmail(t: TestApp, userId: string, email: string): Promise<void> {
  await t.app.get(DataSource).query(`INSERT INTO user_emails (user_id, email) VALUES ($1, $2)`, [userId, email.toLowerCase()]);
}

export async function login(t: TestApp, identifier: string, password: string) {
  return t.http.post('/auth/login', { username: identifier, password });
}
