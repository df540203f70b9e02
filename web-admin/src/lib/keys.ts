// The member's key pair is made here, in the admin's browser, so that picketd
// only ever receives the public half (DESIGN.md, principle 3).
//
// Why not crypto.subtle: it exists only in secure contexts, and the UI is
// normally reached over plain HTTP on the tunnel address. getRandomValues,
// which we do use, is available in every context.
import { x25519 } from '@noble/curves/ed25519';

export const KEY_BYTES = 32;

export interface KeyPair {
  privateKey: string; // base64, clamped exactly as `wg genkey` writes it
  publicKey: string; // base64
}

// WireGuard stores private keys clamped (RFC 7748, section 5); clamping here
// keeps the .conf identical to what `wg genkey` would have produced.
export function clamp(key: Uint8Array): Uint8Array {
  if (key.length !== KEY_BYTES) throw new Error('a WireGuard key has 32 bytes');
  const out = new Uint8Array(key);
  out[0] &= 248;
  out[31] = (out[31] & 127) | 64;
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(clamp(privateKey));
}

export function generateKeyPair(random: (n: number) => Uint8Array = randomBytes): KeyPair {
  const secret = clamp(random(KEY_BYTES));
  const pair = { privateKey: toBase64(secret), publicKey: toBase64(x25519.getPublicKey(secret)) };
  secret.fill(0);
  return pair;
}

function randomBytes(n: number): Uint8Array {
  if (!globalThis.crypto?.getRandomValues) {
    throw new Error('this browser cannot make random numbers safely; use a current browser');
  }
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}
