// A bare pooled nodemailer loop, as its own process like the service (a loop inside the
// benchmark process, next to the SMTP sink, would skip the scheduling between processes that
// every SMTP round trip of the service pays on a busy machine):
//   node bench/lib/bare-mailer.mjs <smtp url> <connections> <messages.json>
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';

const [url, connections, file] = process.argv.slice(2);
const messages = JSON.parse(readFileSync(file, 'utf8'));
const transport = nodemailer.createTransport({ url, pool: true, maxConnections: Number(connections), maxMessages: 1000 });
let next = 0;
await Promise.all(
  Array.from({ length: Number(connections) }, async () => {
    while (next < messages.length) await transport.sendMail(messages[next++]);
  }),
);
transport.close();
