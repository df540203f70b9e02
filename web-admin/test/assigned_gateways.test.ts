// Which gateway hosts serve a device: what the add form and the Gateways
// dialog send as assigned_gateways, and the words for the answer.
import { beforeAll, describe, expect, it } from 'vitest';
import { setLang } from '../src/i18n';
import { en } from '../src/i18n/en';
import {
  assignmentBody,
  assignmentOf,
  assignmentWords,
  changeWords,
  choiceOf,
  EVERY_GATEWAY,
  gatewayOptions,
  newDeviceAssignment,
  ticked,
} from '../src/lib/assigned_gateways';

beforeAll(() => setLang('en'));

const gateways = [
  { name: 'gw-a', endpoint: '203.0.113.7:51820', public_key: 'A', fingerprint: 'a' },
  { name: 'gw-b', endpoint: '198.51.100.4:443', public_key: 'B', fingerprint: 'b' },
];

describe('the add form', () => {
  it('leaves the field out for every gateway, so a plain add stays plain', () => {
    expect(newDeviceAssignment(EVERY_GATEWAY, gateways)).toEqual({});
    expect(JSON.stringify(newDeviceAssignment({ mode: 'every', names: ['gw-a'] }, gateways))).toBe('{}');
  });
  it('leaves it out on a single box whatever was picked (picketd answers 409 there)', () => {
    expect(newDeviceAssignment({ mode: 'only', names: ['gw-a'] }, [])).toEqual({});
  });
  it('sends the ticked names, each once', () => {
    expect(newDeviceAssignment({ mode: 'only', names: ['gw-b', 'gw-a', 'gw-b'] }, gateways)).toEqual({
      assigned_gateways: ['gw-b', 'gw-a'],
    });
  });
  it('refuses "only these" with none ticked, in words, rather than a device with no config', () => {
    expect(() => newDeviceAssignment({ mode: 'only', names: [] }, gateways)).toThrow(en.gateways.needOneAdd);
    expect(() => newDeviceAssignment({ mode: 'none', names: [] }, gateways)).toThrow(en.gateways.needOneAdd);
  });
});

describe('the Gateways dialog', () => {
  it('reads the three shapes picketd answers with', () => {
    expect(choiceOf(null)).toEqual({ mode: 'every', names: [] });
    expect(choiceOf([])).toEqual({ mode: 'none', names: [] });
    expect(choiceOf(['gw-a'])).toEqual({ mode: 'only', names: ['gw-a'] });
  });
  it('sends null for every gateway, not an omitted field', () => {
    expect(JSON.stringify(assignmentBody(EVERY_GATEWAY))).toBe('{"assigned_gateways":null}');
    expect(assignmentBody({ mode: 'every', names: ['gw-a'] })).toEqual({ assigned_gateways: null });
  });
  it('sends [] only when "no gateway" is chosen', () => {
    expect(JSON.stringify(assignmentBody({ mode: 'none', names: ['gw-a'] }))).toBe('{"assigned_gateways":[]}');
    expect(() => assignmentBody({ mode: 'only', names: [] })).toThrow(en.gateways.needOne);
  });
  it('sends the ticked names for "only these"', () => {
    expect(assignmentBody({ mode: 'only', names: ['gw-a'] })).toEqual({ assigned_gateways: ['gw-a'] });
    expect(assignmentOf({ mode: 'only', names: ['gw-a', 'gw-a', 'gw-b'] })).toEqual(['gw-a', 'gw-b']);
  });
  it('ticks and unticks each name once', () => {
    expect(ticked(['gw-a'], 'gw-b', true)).toEqual(['gw-a', 'gw-b']);
    expect(ticked(['gw-a', 'gw-b'], 'gw-a', true)).toEqual(['gw-b', 'gw-a']);
    expect(ticked(['gw-a', 'gw-b'], 'gw-a', false)).toEqual(['gw-b']);
  });
  it('offers every enrolled gateway, and an assigned one that is gone', () => {
    expect(gatewayOptions(gateways, ['gw-old', 'gw-a'])).toEqual([
      { name: 'gw-a', endpoint: '203.0.113.7:51820' },
      { name: 'gw-b', endpoint: '198.51.100.4:443' },
      { name: 'gw-old', endpoint: null },
    ]);
  });
  it('says the assignment and what each gateway host did, as the revoke does', () => {
    expect(assignmentWords(null)).toBe('every gateway, also ones enrolled later');
    expect(assignmentWords([])).toBe('no gateway: it connects nowhere');
    expect(assignmentWords(['gw-a', 'gw-b'])).toBe('only gw-a, gw-b');
    expect(
      changeWords('alice', 'phone', {
        assigned_gateways: ['gw-a'],
        gateways: [
          { name: 'gw-a', outcome: 'applied', ms: 3 },
          { name: 'gw-b', outcome: 'unreachable' },
          { name: 'gw-c', outcome: 'failed', ms: 2, error: 'no such device' },
        ],
      }),
    ).toBe(
      "Saved: alice's phone is served by only gw-a. gateway gw-a: done in 3 ms; gateway gw-b: unreachable; it gets the change when it reconnects, and drops every device when its lease ends; gateway gw-c: FAILED (no such device).",
    );
    expect(changeWords('alice', 'phone', { assigned_gateways: null })).toBe(
      "Saved: alice's phone is served by every gateway, also ones enrolled later.",
    );
  });
});
