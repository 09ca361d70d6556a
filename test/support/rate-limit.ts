/** A login that always fails: it spends from the strict (login) budget without logging in. */
export const WRONG_LOGIN = { username: 'nobody-here', password: 'Wrong-Password-1!' };

/** Statuses of `count` requests made one after the other. */
export async function statuses(count: number, send: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send(i)).status);
  return out;
}

/** Request options that claim to come from `ip` through the proxy (honoured with TRUST_PROXY). */
export const xff = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
