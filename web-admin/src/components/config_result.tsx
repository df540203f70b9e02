// The one moment the member's private key exists: as a QR code and a .conf
// download made here in the browser. Closing this view forgets it; a reload
// or a closed tab asks first, and any navigation forgets it too.
import { useMemo } from 'preact/hooks';
import { t } from '../i18n';
import { configFileName, renderClientConfig } from '../lib/client_config';
import { useLeaveWarning } from '../lib/leave_warning';
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
  const m = t.config;
  useLeaveWarning();

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
      <h1 id="config-title">{m.ready(name)}</h1>
      <p class="notice strong" role="status">
        {m.shownOnce}
      </p>
      <p>{m.howToScan}</p>
      <QrCode text={config} label={m.qrLabel(name)} />
      <p class="fingerprint">
        {m.fingerprint}{' '}
        <code data-testid="fingerprint">{answer.client.gateway_fingerprint}</code>
      </p>
      <p class="muted">
        {m.address(answer.ipv4)} · {answer.client.allowed_ips.join(', ')}
      </p>
      <div class="button-row">
        <button type="button" onClick={download}>
          {m.download(configFileName(answer.member, answer.label))}
        </button>
        <button type="button" class="primary" onClick={onDone}>
          {m.done}
        </button>
      </div>
    </section>
  );
}
