// The gateway hosts a controller drives, as GET /settings lists them (the
// same list the settings screen shows); empty on a single box, on an older
// picketd, and when the read fails, so the screens then offer no gateway
// choice at all rather than one picketd would refuse (409).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { GatewayEndpoint } from './client_config';
import type { Settings } from '../types';

export function useGatewayHosts(): GatewayEndpoint[] {
  const [gateways, setGateways] = useState<GatewayEndpoint[]>([]);
  useEffect(() => {
    api<Settings>('GET', '/settings').then(
      (s) => setGateways(s.gateways ?? []),
      () => setGateways([]),
    );
  }, []);
  return gateways;
}
