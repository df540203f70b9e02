// Which gateway hosts serve a device (picketd --role controller only):
// what the admin picked, turned into the `assigned_gateways` picketd takes
// when a device is added (POST /members/M/devices) and changed
// (PUT /members/M/devices/D/assigned-gateways). null is every gateway, also
// ones enrolled later; a list is only those; [] is none (the device stays
// listed but connects nowhere). picketd checks the names and is the authority.
import { t } from '../i18n';
import type { AssignedGatewaysChange } from '../types';
import type { GatewayEndpoint } from './client_config';
import { gatewaySummary } from './format';

export type Assignment = string[] | null;

// 'none' is offered only where a device already exists: a new device on no
// gateway would get no config to scan.
export type GatewayMode = 'every' | 'only' | 'none';

export interface GatewayChoice {
  mode: GatewayMode;
  // The names ticked under "Only these"; kept when another mode is picked,
  // so switching back does not lose them.
  names: string[];
}

export const EVERY_GATEWAY: GatewayChoice = { mode: 'every', names: [] };

export function choiceOf(assigned: Assignment): GatewayChoice {
  if (assigned === null) return EVERY_GATEWAY;
  return { mode: assigned.length === 0 ? 'none' : 'only', names: [...assigned] };
}

// Ticking or unticking one name; each name once (picketd refuses repeats).
export function ticked(names: string[], name: string, on: boolean): string[] {
  const rest = names.filter((n) => n !== name);
  return on ? [...rest, name] : rest;
}

// What to send as assigned_gateways. "Only these" with nothing ticked is
// refused here, in the page's language: an empty list must be chosen as
// "no gateway", never reached by unticking everything.
export function assignmentOf(choice: GatewayChoice, needOne: string = t.gateways.needOne): Assignment {
  if (choice.mode === 'every') return null;
  if (choice.mode === 'none') return [];
  const names = [...new Set(choice.names)];
  if (names.length === 0) throw new Error(needOne);
  return names;
}

// The body of PUT …/assigned-gateways: null goes as null, not left out.
export const assignmentBody = (choice: GatewayChoice) => ({ assigned_gateways: assignmentOf(choice) });

// The add form's extra field: nothing on a single box (picketd answers 409
// to the field there) and nothing for "every gateway" (picketd's default),
// so a plain add stays the request it always was.
export function newDeviceAssignment(choice: GatewayChoice, gateways: GatewayEndpoint[]): { assigned_gateways?: string[] } {
  if (gateways.length === 0 || choice.mode === 'every') return {};
  if (choice.mode === 'none') throw new Error(t.gateways.needOneAdd);
  return { assigned_gateways: assignmentOf(choice, t.gateways.needOneAdd)! };
}

// The assignment in words, for the dialog's "Now:" line and its saved notice.
export function assignmentWords(assigned: Assignment): string {
  const g = t.gateways;
  if (assigned === null) return g.everyWords;
  return assigned.length === 0 ? g.noneWords : g.onlyWords(assigned.join(', '));
}

// The notice after a change: the new assignment, then what each gateway
// host said about it, as the revoke's notice says it.
export function changeWords(member: string, device: string, answer: AssignedGatewaysChange): string {
  const hosts = gatewaySummary(answer.gateways);
  return t.gateways.saved(member, device, assignmentWords(answer.assigned_gateways)) + (hosts ? ` ${hosts}.` : '');
}

// The boxes to offer: every enrolled gateway, then any assigned name that is
// no longer enrolled (so the admin sees it and can untick it).
export function gatewayOptions(gateways: GatewayEndpoint[], names: string[]): { name: string; endpoint: string | null }[] {
  const enrolled = new Set(gateways.map((g) => g.name));
  return [
    ...gateways.map((g) => ({ name: g.name, endpoint: g.endpoint })),
    ...names.filter((n) => !enrolled.has(n)).map((name) => ({ name, endpoint: null })),
  ];
}
