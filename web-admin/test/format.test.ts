import { describe, expect, it } from 'vitest';
import { ago, bytes, expiry, gatewaySummary } from '../src/lib/format';

describe('format', () => {
  const now = 1_700_000_000_000;
  it('says how long ago a handshake was', () => {
    expect(ago(0, now)).toBe('never');
    expect(ago(now / 1000 - 42, now)).toBe('42 s ago');
    expect(ago(now / 1000 - 125, now)).toBe('2 min ago');
    expect(ago(now / 1000 - 3 * 3600, now)).toBe('3 h ago');
  });
  it('writes transfer sizes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(50 * 1024 * 1024)).toBe('50 MiB');
  });
  it('says when access ends', () => {
    expect(expiry(null, now)).toBe('never expires');
    expect(expiry(now / 1000 - 1, now)).toBe('expired');
    expect(expiry(now / 1000 + 3 * 86400, now)).toBe('expires in 3 days');
  });
  it('says what each gateway host did with a change', () => {
    expect(gatewaySummary(undefined)).toBe('');
    expect(
      gatewaySummary([
        { name: 'gw-a', outcome: 'applied', ms: 3 },
        { name: 'gw-b', outcome: 'unreachable' },
        { name: 'gw-c', outcome: 'failed', ms: 9, error: 'no such device' },
      ]),
    ).toBe(
      'gateway gw-a: done in 3 ms; gateway gw-b: unreachable; it gets the change when it reconnects, and drops every device when its lease ends; gateway gw-c: FAILED (no such device)',
    );
  });
});
