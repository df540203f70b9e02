// Settings: the gateway (endpoint, DNS servers members are told to use), the
// members' DNS resolver (upstream, blocklists, block answer, zone), member
// isolation, and the panic wipe. Each part saves on its own, so an error in
// one says which part it is about.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { Dialog } from '../components/dialog';
import { Choice, ErrorText, Field, Notice, TextArea } from '../components/field';
import { dnsChange, dnsForm, parseList, wipeConfirmed, WIPE_PHRASE, type DnsForm, type DnsSettings } from '../lib/forms';
import type { Settings } from '../types';

export function SettingsScreen({ onWiped }: { onWiped: (problems: string) => void }) {
  return (
    <div class="narrow">
      <h1>Settings</h1>
      <GatewaySettings />
      <DnsResolverSettings />
      <IsolationSettings />
      <PanicWipe onWiped={onWiped} />
    </div>
  );
}

function GatewaySettings() {
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
      show(await api<Settings>('PATCH', '/settings', { endpoint: endpoint.trim(), dns: parseList(dns) }));
      setMessage('Saved. Devices added from now on get these settings; existing ones keep their config.');
    } catch (err) {
      setError(errorText(err));
    }
  }

  return (
    <section aria-labelledby="gateway-title" class="card">
      <h2 id="gateway-title">Gateway</h2>
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
      <form onSubmit={save} aria-label="Gateway settings">
        <Field
          id="settings-endpoint"
          label="Endpoint members' apps dial"
          value={endpoint}
          onValue={setEndpoint}
          hint="host:port, e.g. vpn.example.org:51820"
        />
        <Field
          id="settings-dns"
          label="DNS servers for members"
          value={dns}
          onValue={setDns}
          hint="Comma-separated addresses written into new configs; the gateway's own resolver when empty."
        />
        <ErrorText text={error} />
        <Notice text={message} />
        <button type="submit" class="primary">
          Save gateway settings
        </button>
      </form>
    </section>
  );
}

function DnsResolverSettings() {
  const [current, setCurrent] = useState<DnsSettings | null>(null);
  const [form, setForm] = useState<DnsForm | null>(null);
  const [off, setOff] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const show = (s: DnsSettings) => {
    setCurrent(s);
    setForm(dnsForm(s));
  };
  useEffect(() => {
    api<DnsSettings>('GET', '/dns').then(show, (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) {
        setOff(err.status === 409 ? err.message : 'This picketd has no DNS resolver settings.');
      } else setError(errorText(err));
    });
  }, []);

  const set = <K extends keyof DnsForm>(key: K) => (value: DnsForm[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  async function save(e: Event) {
    e.preventDefault();
    if (!current || !form) return;
    setError('');
    setMessage('');
    setBusy(true);
    try {
      const body = dnsChange(current, form);
      if (Object.keys(body).length === 0) {
        setMessage('Nothing changed.');
      } else {
        const next = await api<DnsSettings>('PATCH', '/dns', body);
        show(next);
        setMessage(`Saved; the resolver uses them now. ${blockedText(next)}`);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    setError('');
    setMessage('');
    setBusy(true);
    try {
      const answer = await api<{ reloaded: string }>('POST', '/dns/reload', {});
      setMessage(`Blocklists reread: ${answer.reloaded}.`);
      show(await api<DnsSettings>('GET', '/dns'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="dns-title" class="card">
      <h2 id="dns-title">Members' DNS resolver</h2>
      {off && <p class="muted">{off}</p>}
      <ErrorText text={form ? '' : error} />
      {form && current && (
        <form onSubmit={save} aria-label="DNS resolver settings">
          <p class="muted">
            The gateway answers members' DNS itself and never logs a query. {blockedText(current)}
          </p>
          <fieldset>
            <legend>Where answers come from</legend>
            <Choice name="dns-upstream" value="recursive" current={form.upstream} onPick={set('upstream')}>
              Full recursion from the root servers (no DNS provider sees all queries)
            </Choice>
            <Choice name="dns-upstream" value="tls" current={form.upstream} onPick={set('upstream')}>
              Forward over DNS-over-TLS
            </Choice>
            <Choice name="dns-upstream" value="plain" current={form.upstream} onPick={set('upstream')}>
              Forward unencrypted (trusted network only)
            </Choice>
            {form.upstream !== 'recursive' && (
              <TextArea
                id="dns-servers"
                label="Forwarding servers, one per line"
                value={form.servers}
                onValue={set('servers')}
                placeholder="9.9.9.9@853#dns.quad9.net"
                hint="ADDRESS[@PORT][#TLS-NAME]; DNS-over-TLS needs the name the server's certificate carries."
              />
            )}
            <label class="choice">
              <input
                type="checkbox"
                checked={form.dnssec}
                onChange={(e) => set('dnssec')((e.target as HTMLInputElement).checked)}
              />{' '}
              Validate DNSSEC
            </label>
          </fieldset>
          <TextArea
            id="dns-blocklists"
            label="Blocklist files on the gateway, one path per line"
            value={form.blocklists}
            onValue={set('blocklists')}
            placeholder="/etc/picket/blocklists/ads.txt"
            hint="Hosts-format or one domain per line; a domain blocks its subdomains. Empty blocks nothing."
          />
          <fieldset>
            <legend>Answer for a blocked name</legend>
            <Choice name="dns-block" value="nxdomain" current={form.block_answer} onPick={set('block_answer')}>
              “No such name” (NXDOMAIN)
            </Choice>
            <Choice name="dns-block" value="null" current={form.block_answer} onPick={set('block_answer')}>
              The null address (0.0.0.0 and ::)
            </Choice>
          </fieldset>
          <Field
            id="dns-zone"
            label="Zone of device names"
            value={form.zone}
            onValue={set('zone')}
            autocomplete="off"
            spellcheck={false}
            hint={`Devices are reachable by name as DEVICE.MEMBER.ZONE, e.g. phone.alice.${form.zone.trim() || 'picket.internal'}.`}
          />
          <ErrorText text={error} />
          <Notice text={message} />
          <div class="button-row wrap">
            <button type="submit" class="primary" disabled={busy}>
              Save DNS settings
            </button>
            <button type="button" onClick={reload} disabled={busy}>
              Reread blocklist files
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function blockedText(s: DnsSettings): string {
  const n = s.blocked_domains;
  if (s.blocklists.length === 0) return 'No blocklist is in use.';
  return `${n.toLocaleString()} blocked domain${n === 1 ? '' : 's'} from ${s.blocklists.length} file${s.blocklists.length === 1 ? '' : 's'}.`;
}

function IsolationSettings() {
  const [allowed, setAllowed] = useState<boolean | null>(null);
  const [off, setOff] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ member_to_member: boolean }>('GET', '/firewall').then(
      (r) => setAllowed(r.member_to_member),
      (err) => {
        if (err instanceof ApiError && err.status === 404 && /unknown API path/i.test(err.message)) {
          setOff("picketd's firewall is off (--no-firewall): members are not isolated by picketd.");
        } else setError(errorText(err));
      },
    );
  }, []);

  async function change(next: boolean) {
    const before = allowed;
    setError('');
    setMessage('');
    setBusy(true);
    setAllowed(next); // the choice shows at once; put back if picketd refuses
    try {
      const r = await api<{ member_to_member: boolean }>('PUT', '/firewall', { member_to_member: next });
      setAllowed(r.member_to_member);
      setMessage(
        r.member_to_member
          ? "Saved: members' devices now reach each other."
          : "Saved: members' devices are isolated from each other again (groups excepted).",
      );
    } catch (err) {
      setAllowed(before);
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="isolation-title" class="card">
      <h2 id="isolation-title">Member isolation</h2>
      {off && <p class="muted">{off}</p>}
      {allowed !== null && (
        <fieldset disabled={busy}>
          <legend>Can members' devices reach each other?</legend>
          <Choice name="isolation" value="deny" current={allowed ? 'allow' : 'deny'} onPick={() => change(false)}>
            No, each member is isolated (safest). Devices in the same group still reach each other.
          </Choice>
          <Choice name="isolation" value="allow" current={allowed ? 'allow' : 'deny'} onPick={() => change(true)}>
            Yes, every device reaches every other device
          </Choice>
        </fieldset>
      )}
      <p class="muted">Groups and per-device restrictions are set under Devices → Manage.</p>
      <ErrorText text={error} />
      <Notice text={message} />
    </section>
  );
}

function PanicWipe({ onWiped }: { onWiped: (problems: string) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="wipe-title" class="card danger-zone">
      <h2 id="wipe-title">Panic wipe</h2>
      <p>
        Cuts off every member, removes the WireGuard interface and the firewall, overwrites and deletes the database
        and the gateway key, then stops picketd. Nothing can be recovered, not even by you.
      </p>
      <button type="button" class="danger" onClick={() => setOpen(true)}>
        Panic wipe…
      </button>
      {open && <WipeDialog onClose={() => setOpen(false)} onWiped={onWiped} />}
    </section>
  );
}

function WipeDialog({ onClose, onWiped }: { onClose: () => void; onWiped: (problems: string) => void }) {
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const ready = wipeConfirmed(typed) && password !== '';

  async function wipe(e: Event) {
    e.preventDefault();
    if (!ready) return;
    setError('');
    setBusy(true);
    try {
      await api('POST', '/wipe', { confirm: WIPE_PHRASE, password });
      onWiped('');
    } catch (err) {
      // Past a failed step the wipe carries on and picketd still stops.
      if (err instanceof ApiError && err.code === 'wipe_incomplete') onWiped(err.message);
      else {
        setError(errorText(err));
        setBusy(false);
      }
    }
  }

  return (
    <Dialog title="Wipe everything?" onClose={onClose}>
      <form onSubmit={wipe} aria-label="Panic wipe">
        <p>
          Every member is cut off at once and the gateway forgets them, their keys, the admins and the audit trail.
          picketd stops afterwards; to run a VPN here again, start over with a new setup.
        </p>
        <Field
          id="wipe-password"
          label="Your admin password"
          type="password"
          value={password}
          onValue={setPassword}
          autocomplete="current-password"
          required
        />
        <Field
          id="wipe-confirm"
          label={`Type “${WIPE_PHRASE}” to confirm`}
          value={typed}
          onValue={setTyped}
          autocomplete="off"
          spellcheck={false}
          required
        />
        <ErrorText text={error} />
        <div class="button-row">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="danger" disabled={!ready || busy} data-testid="confirm-wipe">
            {busy ? 'Wiping…' : 'Wipe everything now'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
