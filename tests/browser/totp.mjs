// TOTP codes for the browser tests, computed from the secret the page shows.
import { createHmac } from 'node:crypto';

// RFC 6238 with the parameters picketd uses: HMAC-SHA-1, 30 s, 6 digits.
// Each code is accepted once, so a second login waits for the next step.
const usedSteps = new Map();
export function codeAt(base32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
export async function freshCode(base32) {
  const last = usedSteps.get(base32) ?? -1;
  let step = Math.floor(Date.now() / 30000);
  while (step <= last) {
    await new Promise((r) => setTimeout(r, 1000));
    step = Math.floor(Date.now() / 30000);
  }
  usedSteps.set(base32, step);
  return codeAt(base32, step);
}
