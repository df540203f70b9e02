// JSON shapes of picketd's API (controller/src/api/json_codec.cpp).
import type { ClientParameters, GatewayEndpoint } from './lib/client_config';

export interface Member {
  id: number;
  label: string;
  note: string;
  created_at: number;
}

export interface Device {
  id: number;
  member: string;
  label: string;
  public_key: string;
  ipv4: string;
  ipv6: string;
  allowed_ips: string[];
  keepalive: number;
  mtu: number;
  enabled: boolean;
  expires_at: number | null;
  created_at: number;
  // Live, read from the interface; never stored by picketd.
  active?: boolean;
  last_handshake?: number;
  rx_bytes?: number;
  tx_bytes?: number;
}

export type NewDeviceAnswer = Device & ClientParameters;

export interface Page<K extends string, T> {
  total: number;
  offset: number;
  limit: number | null;
  items: T[];
  key: K;
}

export interface Settings {
  interface_name: string;
  listen_port: number;
  endpoint: string;
  ipv4_subnet: string;
  ipv6_subnet: string;
  dns: string[];
  mtu: number;
  public_key: string;
  fingerprint: string;
  // The gateway hosts members dial on a controller; empty on a single box,
  // where endpoint and fingerprint above are what members use. Optional as
  // in ClientParameters: an older picketd leaves it out.
  gateways?: GatewayEndpoint[];
}

// What a gateway host said about a change (picketd --role controller only).
export interface GatewayAnswer {
  name: string;
  outcome: 'applied' | 'failed' | 'unreachable';
  ms?: number;
  error?: string;
}

export interface RevokeAnswer {
  revoked: boolean;
  gateways?: GatewayAnswer[];
}

// GET/PUT /members/M/devices/D/assigned-gateways (controller only): null is
// every gateway, also ones enrolled later; [] is none.
export interface AssignedGateways {
  assigned_gateways: string[] | null;
}

// PUT's answer adds what each gateway host said about the change.
export interface AssignedGatewaysChange extends AssignedGateways {
  gateways?: GatewayAnswer[];
}
