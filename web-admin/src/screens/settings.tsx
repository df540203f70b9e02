import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ErrorText, Field } from '../components/field';
import type { Settings } from '../types';
import { parseRoutes } from './add_device';

export function SettingsScreen() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [endpoint, setEndpoint] = useState('');
  const [dns, setDns] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');

  const show = (s: Settings) => {
    setSettings(s);
    setEndpoint(s.endpoint);
    setDns(s.dns.join(', '));
  };
  useEffect(() => {
    api<Settings>('GET', '/settings').then(show, (err) => setError(errorText(err)));
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    setError('');
    setMessage('');
    try {
      show(await api<Settings>('PATCH', '/settings', { endpoint: endpoint.trim(), dns: parseRoutes(dns) }));
      setMessage('Saved. Devices added from now on get these settings; existing ones keep their config.');
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section aria-labelledby="settings-title" class="narrow">
      <h1 id="settings-title">Settings</h1>
      {settings && (
        <dl class="details">
          <dt>Gateway key fingerprint</dt>
          <dd>
            <code>{settings.fingerprint}</code>
          </dd>
          <dt>Interface</dt>
          <dd>
            {settings.interface_name}, UDP port {settings.listen_port}
          </dd>
          <dt>Tunnel subnets</dt>
          <dd>
            {settings.ipv4_subnet}, {settings.ipv6_subnet}
          </dd>
        </dl>
      )}
      <form onSubmit={save} aria-label="Change settings">
        <Field label="Endpoint members' apps dial" value={endpoint} onValue={setEndpoint} hint="host:port, e.g. vpn.example.org:51820" />
        <Field label="DNS servers for members" value={dns} onValue={setDns} hint="Comma-separated addresses; the gateway's own resolver by default." />
        <ErrorText text={error} />
        {message && <p role="status" class="notice">{message}</p>}
        <button type="submit" class="primary">
          Save
        </button>
      </form>
    </section>
  );
}
