// Settings: the gateway (endpoint, DNS servers members are told to use), the
// members' DNS resolver (upstream, blocklists, block answer, zone), member
// isolation, cutting off every device (burn), and the panic wipe. Each part
// saves on its own, so an error in one says which part it is about.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { TypedConfirmDialog } from '../components/dialog';
import { Choices, ErrorText, Field, Notice, TextArea, VerbatimField } from '../components/field';
import { useAction } from '../lib/action';
import { BURN_PHRASE, ROTATE_PHRASE, dnsChange, dnsForm, parseList, typedPhrase, WIPE_PHRASE, type DnsForm, type DnsSettings } from '../lib/forms';
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
  const { error, setError, message, setMessage, submit } = useAction();

  const show = (s: Settings) => {
    setSettings(s);
    setEndpoint(s.endpoint);
    setDns(s.dns.join(', '));
  };
  useEffect(() => {
    api<Settings>('GET', '/settings').then(show, (err) => setError(errorText(err)));
  }, []);

  const save = submit(async () => {
    show(await api<Settings>('PATCH', '/settings', { endpoint: endpoint.trim(), dns: parseList(dns) }));
    setMessage('Saved. Devices added from now on get these settings; existing ones keep their config.');
  });

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

const UPSTREAMS: [string, string][] = [
  ['recursive', 'Full recursion from the root servers (no DNS provider sees all queries)'],
  ['tls', 'Forward over DNS-over-TLS'],
  ['plain', 'Forward unencrypted (trusted network only)'],
];

const BLOCK_ANSWERS: [string, string][] = [
  ['nxdomain', '“No such name” (NXDOMAIN)'],
  ['null', 'The null address (0.0.0.0 and ::)'],
];

function DnsResolverSettings() {
  const [current, setCurrent] = useState<DnsSettings | null>(null);
  const [form, setForm] = useState<DnsForm | null>(null);
  const [off, setOff] = useState('');
  const { busy, error, setError, message, setMessage, run, submit } = useAction();

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

  const save = submit(async () => {
    if (!current || !form) return;
    const body = dnsChange(current, form);
    if (Object.keys(body).length === 0) {
      setMessage('Nothing changed.');
    } else {
      const next = await api<DnsSettings>('PATCH', '/dns', body);
      show(next);
      setMessage(`Saved; the resolver uses them now. ${blockedText(next)}`);
    }
  });

  const reload = () =>
    run(async () => {
      const answer = await api<{ reloaded: string }>('POST', '/dns/reload', {});
      setMessage(`Blocklists reread: ${answer.reloaded}.`);
      show(await api<DnsSettings>('GET', '/dns'));
    });

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
            <Choices name="dns-upstream" current={form.upstream} onPick={set('upstream')} options={UPSTREAMS} />
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
            <Choices name="dns-block" current={form.block_answer} onPick={set('block_answer')} options={BLOCK_ANSWERS} />
          </fieldset>
          <VerbatimField
            id="dns-zone"
            label="Zone of device names"
            value={form.zone}
            onValue={set('zone')}
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
  const { busy, error, setError, message, setMessage, run } = useAction();

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

  const change = (next: boolean) =>
    run(async () => {
      const before = allowed;
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
        throw err;
      }
    });

  return (
    <section aria-labelledby="isolation-title" class="card">
      <h2 id="isolation-title">Member isolation</h2>
      {off && <p class="muted">{off}</p>}
      {allowed !== null && (
        <fieldset disabled={busy}>
          <legend>Can members' devices reach each other?</legend>
          <Choices
            name="isolation"
            current={allowed ? 'allow' : 'deny'}
            onPick={(v) => change(v === 'allow')}
            options={[
              ['deny', 'No, each member is isolated (safest). Devices in the same group still reach each other.'],
              ['allow', 'Yes, every device reaches every other device'],
            ]}
          />
        </fieldset>
      )}
      <p class="muted">Groups and per-device restrictions are set under Devices → Manage.</p>
      <ErrorText text={error} />
      <Notice text={message} />
    </section>
  );
}

type Fleetwide = 'burn' | 'rotate' | 'wipe';

function PanicWipe({ onWiped }: { onWiped: (problems: string) => void }) {
  const [open, setOpen] = useState<Fleetwide | null>(null);
  const [message, setMessage] = useState('');
  const [rotated, setRotated] = useState('');
  const close = () => setOpen(null);
  return (
    <section aria-labelledby="wipe-title" class="card danger-zone">
      <h2 id="wipe-title">If the server or an admin is compromised</h2>
      <h3>Cut off every device</h3>
      <p>
        Revokes every device of every member at once; the members stay, and each needs a new device to get back in.
        picketd keeps running.
      </p>
      <Notice text={message} />
      <button type="button" class="danger" onClick={() => (setMessage(''), setOpen('burn'))}>
        Cut off every device…
      </button>
      <h3>Rotate the gateway key</h3>
      <p>
        If the gateway key may have leaked: the gateway gets a new key pair, and every existing config stops working
        until its device is reissued (Devices → Manage → Reissue), which needs the member's phone or laptop at hand.
      </p>
      <Notice text={rotated} />
      <button type="button" class="danger" onClick={() => (setRotated(''), setOpen('rotate'))}>
        Rotate the gateway key…
      </button>
      <h3>Panic wipe</h3>
      <p>
        Cuts off every member, removes the WireGuard interface and the firewall, overwrites and deletes the database
        and the gateway key, then stops picketd. Nothing can be recovered, not even by you.
      </p>
      <button type="button" class="danger" onClick={() => setOpen('wipe')}>
        Panic wipe…
      </button>
      {open === 'wipe' && (
        <FleetwideDialog
          kind="wipe"
          onClose={close}
          onDone={() => onWiped('')}
          onFailedDone={(err) => {
            // Past a failed step the wipe carries on and picketd still stops.
            if (err.code !== 'wipe_incomplete') return false;
            onWiped(err.message);
            return true;
          }}
        >
          Every member is cut off at once and the gateway forgets them, their keys, the admins and the audit trail.
          picketd stops afterwards; to run a VPN here again, start over with a new setup.
        </FleetwideDialog>
      )}
      {open === 'rotate' && (
        <FleetwideDialog
          kind="rotate"
          onClose={close}
          onDone={(answer) => {
            const a = answer as { fingerprint: string; reissue: { member: string; device: string }[] };
            const list = a.reissue.map((r) => `${r.member} · ${r.device}`).join(', ');
            setRotated(
              `Done: the new gateway key fingerprint is ${a.fingerprint}. ` +
                (a.reissue.length === 0
                  ? 'No device needs a reissue.'
                  : `${a.reissue.length} device${a.reissue.length === 1 ? ' stops' : 's stop'} working until reissued: ${list}.`),
            );
            close();
          }}
        >
          Every member's config stops working at once, until you reissue their device and they scan the new QR code.
          Check the new fingerprint with members in person.
        </FleetwideDialog>
      )}
      {open === 'burn' && (
        <FleetwideDialog
          kind="burn"
          onClose={close}
          onDone={(answer) => {
            const n = (answer as { revoked?: number })?.revoked ?? 0;
            setMessage(`Done: ${n} device${n === 1 ? ' is' : 's are'} cut off and deleted. The members are kept.`);
            close();
          }}
        >
          Every device of every member stops working at once and is deleted. Members are kept, so you can add new
          devices for the ones you trust.
        </FleetwideDialog>
      )}
    </section>
  );
}

// What each fleet-wide action sends (the typed phrase picketd wants, and
// where) and how its confirmation reads.
const FLEETWIDE: Record<Fleetwide, { phrase: string; path: string; title: string; action: string; busyText: string }> = {
  burn: { phrase: BURN_PHRASE, path: '/burn', title: 'Cut off every device?', action: 'Cut off every device now', busyText: 'Cutting off…' },
  rotate: { phrase: ROTATE_PHRASE, path: '/gateway-key/rotate', title: 'Rotate the gateway key?', action: 'Rotate the key now', busyText: 'Rotating…' },
  wipe: { phrase: WIPE_PHRASE, path: '/wipe', title: 'Wipe everything?', action: 'Wipe everything now', busyText: 'Wiping…' },
};

// The admin's password again plus the action's phrase, both checked by picketd.
function FleetwideDialog({
  kind,
  onClose,
  onDone,
  onFailedDone,
  children,
}: {
  kind: Fleetwide;
  onClose: () => void;
  onDone: (answer: unknown) => void;
  onFailedDone?: (err: ApiError) => boolean;
  children: ComponentChildren;
}) {
  const { phrase, path, ...words } = FLEETWIDE[kind];
  const testId = `confirm-${kind}`;
  async function confirm(_typed: string, password: string) {
    try {
      onDone(await api('POST', path, { confirm: phrase, password }));
    } catch (err) {
      // onFailedDone says when a failure still ends the action (and the dialog).
      if (!(err instanceof ApiError && onFailedDone?.(err))) throw err;
    }
  }
  return (
    <TypedConfirmDialog
      {...words}
      passwordId={`${testId}-password`}
      typedId={`${testId}-phrase`}
      typedLabel={`Type “${phrase}” to confirm`}
      matches={(typed) => typedPhrase(typed, phrase)}
      testId={testId}
      onClose={onClose}
      onConfirm={confirm}
    >
      {children}
    </TypedConfirmDialog>
  );
}
