// The one moment the member's private key exists: as a QR code and a .conf
// download made here in the browser. Closing this view forgets it; a reload
// or a closed tab asks first, and any navigation forgets it too.
import { useMemo } from 'preact/hooks';
import { t } from '../i18n';
import { memberConfigs, type MemberConfig } from '../lib/client_config';
import { useLeaveWarning } from '../lib/leave_warning';
import type { NewDeviceAnswer } from '../types';
import { QrCode } from './qr_code';

function download(config: MemberConfig) {
  const url = URL.createObjectURL(new Blob([config.text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = config.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ConfigResult({
  answer,
  privateKey,
  onDone,
}: {
  answer: NewDeviceAnswer;
  privateKey: string;
  onDone: () => void;
}) {
  const configs = useMemo(() => memberConfigs(answer, privateKey), [answer, privateKey]);
  const name = `${answer.member} · ${answer.label}`;
  const m = t.config;
  useLeaveWarning();
  // A single box has exactly one config and no gateway names: its page stays
  // as it always was.
  const single = configs.length === 1 && configs[0].gateway === undefined;

  return (
    <section aria-labelledby="config-title" class="config-result">
      <h1 id="config-title">{m.ready(name)}</h1>
      <p class="notice strong" role="status">
        {m.shownOnce}
      </p>
      <p>{m.howToScan}</p>
      {single ? (
        <>
          <QrCode text={configs[0].text} label={m.qrLabel(name)} />
          <p class="fingerprint">
            {m.fingerprint} <code data-testid="fingerprint">{configs[0].fingerprint}</code>
          </p>
        </>
      ) : (
        <>
          <p>{m.perGateway}</p>
          <div class="gateway-configs">
            {configs.map((config) => (
              <GatewayConfig key={config.gateway} config={config} name={name} />
            ))}
          </div>
        </>
      )}
      <p class="muted">
        {m.address(answer.ipv4)} · {answer.client.allowed_ips.join(', ')}
      </p>
      <div class="button-row">
        {single && (
          <button type="button" onClick={() => download(configs[0])}>
            {m.download(configs[0].fileName)}
          </button>
        )}
        <button type="button" class="primary" onClick={onDone}>
          {m.done}
        </button>
      </div>
    </section>
  );
}

// One gateway host's tunnel: kept short (a smaller code, a short label), as
// on a phone the sections stack and the admin scrolls through all of them.
function GatewayConfig({ config, name }: { config: MemberConfig; name: string }) {
  const gateway = config.gateway!;
  const m = t.config;
  const id = `config-gateway-${gateway}`;
  return (
    <section aria-labelledby={id} class="gateway-config">
      <h2 id={id}>{m.gatewayHeading(gateway, config.endpoint)}</h2>
      <QrCode text={config.text} label={m.qrLabelGateway(name, gateway)} />
      <p class="fingerprint">
        {m.keyFingerprint} <code data-testid={`fingerprint-${gateway}`}>{config.fingerprint}</code>
      </p>
      <button type="button" onClick={() => download(config)}>
        {m.download(config.fileName)}
      </button>
    </section>
  );
}
