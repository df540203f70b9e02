// Plain words next to the field, and device states that do not rely on colour.
import { describe, expect, it } from 'vitest';
import { labelProblem, passwordProblem, usernameProblem } from '../src/lib/validate';
import { deviceState } from '../src/screens/devices';
import { actionWords } from '../src/screens/audit';
import type { Device } from '../src/types';

describe('field checks as the admin types', () => {
  it('explain what a label may hold', () => {
    expect(labelProblem('')).toBeNull();
    expect(labelProblem('Alice')).toBeNull(); // picketd folds capitals
    expect(labelProblem('work phone')).toMatch(/No spaces/);
    expect(labelProblem('josé')).toMatch(/“é” cannot be used/);
    expect(labelProblem('-phone')).toMatch(/start or end with a dash/);
    expect(labelProblem('x'.repeat(33))).toMatch(/At most 32 characters \(this has 33\)/);
  });
  it('say how long a password must be', () => {
    expect(passwordProblem('short')).toBe('At least 12 characters (this has 5).');
    expect(passwordProblem('')).toBeNull();
    expect(usernameProblem('Ana')).toMatch(/Lower-case/);
  });
});

describe('device states', () => {
  const now = 1_800_000_000_000;
  const base = { enabled: true, active: true, expires_at: null, last_handshake: 0 } as unknown as Device;
  it('tell online, offline, never connected, switched off and ended apart', () => {
    expect(deviceState({ ...base, last_handshake: now / 1000 - 10 }, now)).toBe('online');
    expect(deviceState({ ...base, last_handshake: now / 1000 - 600 }, now)).toBe('offline');
    expect(deviceState(base, now)).toBe('never');
    expect(deviceState({ ...base, enabled: false, last_handshake: now / 1000 - 10 }, now)).toBe('disabled');
    expect(deviceState({ ...base, expires_at: now / 1000 - 1 }, now)).toBe('expired');
  });
});

describe('the audit trail', () => {
  it('reads as words, not ids', () => {
    expect(actionWords('device.reissue')).toBe('Gave a device a new key');
    expect(actionWords('admin.locked_out')).toBe('Locked out after failed logins');
    expect(actionWords('something.new')).toBe('something.new');
  });
});
