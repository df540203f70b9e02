import { describe, expect, it } from 'vitest';
import { clamp, fromBase64, generateKeyPair, publicKeyOf, toBase64 } from '../src/lib/keys';
import { cppPublicKey } from './helpers';

describe('keys', () => {
  it('computes the RFC 7748 section 6.1 test vector (Alice)', () => {
    const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
    const secret = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const expected = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toBase64(publicKeyOf(secret))).toBe(toBase64(expected));
  });

  it('clamps like WireGuard', () => {
    const all = clamp(new Uint8Array(32).fill(0xff));
    expect(all[0]).toBe(0xf8);
    expect(all[31]).toBe(0x7f);
    expect(clamp(new Uint8Array(32))[31]).toBe(0x40);
  });

  it('makes a clamped private key whose public key libsodium agrees with', () => {
    for (let i = 0; i < 5; i++) {
      const pair = generateKeyPair();
      const secret = fromBase64(pair.privateKey);
      expect(secret.length).toBe(32);
      expect(secret[0] & 7).toBe(0);
      expect(secret[31] & 0xc0).toBe(0x40);
      expect(pair.publicKey).toBe(cppPublicKey(pair.privateKey));
    }
  });

  it('makes a different key each time', () => {
    const seen = new Set(Array.from({ length: 20 }, () => generateKeyPair().privateKey));
    expect(seen.size).toBe(20);
  });

  it('uses the random source it is given, and only after clamping', () => {
    const pair = generateKeyPair((n) => new Uint8Array(n).fill(0xff));
    expect(fromBase64(pair.privateKey)[0]).toBe(0xf8);
  });
});
