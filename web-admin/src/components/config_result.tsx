// The one moment the member's private key exists: as a QR code and a .conf
// download made here in the browser. Closing this view forgets it.
import { useMemo } from 'preact/hooks';
import { configFileName, renderClientConfig } from '../lib/client_config';
import type { NewDeviceAnswer } from '../types';
import { QrCode } from './qr_code';

export function ConfigResult({
  answer,
  privateKey,
  onDone,
}: {
  answer: NewDeviceAnswer;
  privateKey: string;
  onDone: () => void;
}) {
  const config = useMemo(() => renderClientConfig(answer, privateKey), [answer, privateKey]);
  const name = `${answer.member} · ${answer.label}`;

  function download() {
    const url = URL.createObjectURL(new Blob([config], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = configFileName(answer.member, answer.label);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <section aria-labelledby="config-title" class="config-result">
      <h1 id="config-title">{name} is ready</h1>
      <p class="notice strong" role="status">
        This QR code and file are shown once. They hold the device's private key, which picketd never sees: scan
        or download now, then close this page.
      </p>
      <p>In the WireGuard app: Add tunnel → Scan from QR code.</p>
      <QrCode text={config} label={`WireGuard configuration for ${name}`} />
      <p class="fingerprint">
        Gateway key fingerprint, to compare with the member in person:{' '}
        <code data-testid="fingerprint">{answer.client.gateway_fingerprint}</code>
      </p>
      <p class="muted">
        Address {answer.ipv4} · {answer.client.allowed_ips.join(', ')}
      </p>
      <div class="button-row">
        <button type="button" onClick={download}>
          Download {configFileName(answer.member, answer.label)}
        </button>
        <button type="button" class="primary" onClick={onDone}>
          Done, forget the key
        </button>
      </div>
    </section>
  );
}
