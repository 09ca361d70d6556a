import { domainToASCII } from 'node:url';

/**
 * The one form an email address is stored, looked up and compared in, so that addresses that
 * reach one mailbox are one address: the local part in Unicode NFC and lower case; the domain
 * mapped by UTS #46 (IDNA) to its ASCII form, as mail software resolves it: `ℂ` is `c`, soft
 * hyphens and zero-width characters are dropped, full-width letters are ASCII, `bücher.de` is
 * `xn--bcher-kva.de`, and a trailing dot goes. A domain UTS #46 refuses (and an address literal
 * such as `[192.0.2.1]`) is kept in lower case; validation refuses such addresses anyway.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.normalize('NFC').toLowerCase();
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase();
  const domain = trimmed.slice(at + 1);
  const ascii = domainToASCII(domain).replace(/\.$/, '');
  return `${local}@${ascii || domain.normalize('NFC').toLowerCase()}`;
}
