// Settings: the gateway (endpoint, DNS servers members are told to use), the
// members' DNS resolver (upstream, blocklists, block answer, zone), member
// isolation, cutting off every device (burn), and the panic wipe. Each part
// saves on its own, so an error in one says which part it is about.
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText, isUnknownPath } from '../api';
import { TypedConfirmDialog } from '../components/dialog';
import { Choices, ErrorText, Field, Notice, TextArea, VerbatimField } from '../components/field';
import { needPassword, PasswordField } from '../components/password_field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import type { GatewayEndpoint } from '../lib/client_config';
import { BURN_PHRASE, ROTATE_PHRASE, dnsChange, dnsForm, parseList, typedPhrase, WIPE_PHRASE, type DnsForm, type DnsSettings } from '../lib/forms';
import type { Settings } from '../types';

export function SettingsScreen({ onWiped }: { onWiped: (problems: string) => void }) {
  return (
    <div class="narrow">
      <h1>{t.settings.title}</h1>
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
  const [password, setPassword] = useState('');
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
    const body = { endpoint: endpoint.trim(), dns: parseList(dns), password: needPassword(password) };
    show(await api<Settings>('PATCH', '/settings', body));
    setPassword('');
    setMessage(t.settings.gatewaySaved);
  });

  return (
    <section aria-labelledby="gateway-title" class="card">
      <h2 id="gateway-title">{t.settings.gateway}</h2>
      {settings && (
        <dl class="details">
          <dt>{t.settings.fingerprint}</dt>
          <dd>
            <code>{settings.fingerprint}</code>
          </dd>
          <dt>{t.settings.interface}</dt>
          <dd>
            {t.settings.interfaceValue(settings.interface_name, settings.listen_port)}
          </dd>
          <dt>{t.settings.subnets}</dt>
          <dd>
            {settings.ipv4_subnet}, {settings.ipv6_subnet}
          </dd>
        </dl>
      )}
      {settings?.gateways && settings.gateways.length > 0 && <GatewayHosts gateways={settings.gateways} />}
      <form onSubmit={save} aria-label={t.settings.gatewayForm}>
        <Field
          id="settings-endpoint"
          label={t.settings.endpoint}
          value={endpoint}
          onValue={setEndpoint}
          hint={t.settings.endpointHint}
        />
        <Field
          id="settings-dns"
          label={t.settings.dns}
          value={dns}
          onValue={setDns}
          hint={t.settings.dnsHint}
        />
        <PasswordField id="settings-password" value={password} onValue={setPassword} />
        <ErrorText text={error} />
        <Notice text={message} />
        <button type="submit" class="primary">
          {t.settings.saveGateway}
        </button>
      </form>
    </section>
  );
}

// On a controller: the hosts members actually dial, read-only (they enrol
// on the server), with the fingerprints an admin reads to members in person.
export function GatewayHosts({ gateways }: { gateways: GatewayEndpoint[] }) {
  return (
    <>
      <h3>{t.settings.gatewayHosts}</h3>
      <p class="muted">{t.settings.gatewayHostsText}</p>
      <dl class="details gateway-hosts">
        {gateways.map((g) => (
          <Fragment key={g.name}>
            <dt>{g.name}</dt>
            <dd>
              <code>{g.endpoint}</code>
              <div>
                {t.settings.keyFingerprint} <code data-testid={`settings-fingerprint-${g.name}`}>{g.fingerprint}</code>
              </div>
            </dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}

function DnsResolverSettings() {
  const [current, setCurrent] = useState<DnsSettings | null>(null);
  const [form, setForm] = useState<DnsForm | null>(null);
  const [off, setOff] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, message, setMessage, run, submit } = useAction();

  const show = (s: DnsSettings) => {
    setCurrent(s);
    setForm(dnsForm(s));
  };
  useEffect(() => {
    api<DnsSettings>('GET', '/dns').then(show, (err) => {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404)) {
        setOff(err.status === 409 ? t.settings.dnsOff : t.settings.dnsMissing);
      } else setError(errorText(err));
    });
  }, []);

  const set = <K extends keyof DnsForm>(key: K) => (value: DnsForm[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  const save = submit(async () => {
    if (!current || !form) return;
    if (form.upstream !== 'recursive' && parseList(form.servers).length === 0) throw new Error(t.settings.needServer);
    const body = dnsChange(current, form);
    if (Object.keys(body).length === 0) {
      setMessage(t.settings.nothingChanged);
    } else {
      const next = await api<DnsSettings>('PATCH', '/dns', { ...body, password: needPassword(password) });
      setPassword('');
      show(next);
      setMessage(t.settings.dnsSaved(blockedText(next)));
    }
  });

  const reload = () =>
    run(async () => {
      const answer = await api<{ reloaded: string }>('POST', '/dns/reload', {});
      setMessage(t.settings.reread(answer.reloaded));
      show(await api<DnsSettings>('GET', '/dns'));
    });

  return (
    <section aria-labelledby="dns-title" class="card">
      <h2 id="dns-title">{t.settings.dnsTitle}</h2>
      {off && <p class="muted">{off}</p>}
      <ErrorText text={form ? '' : error} />
      {form && current && (
        <form onSubmit={save} aria-label={t.settings.dnsForm}>
          <p class="muted">
            {t.settings.dnsIntro} {blockedText(current)}
          </p>
          <fieldset>
            <legend>{t.settings.upstream}</legend>
            <Choices
              name="dns-upstream"
              current={form.upstream}
              onPick={set('upstream')}
              options={[
                ['recursive', t.settings.recursive],
                // Offered only where picketd would accept it (or while it is stored).
                ...(current.tls_available !== false || form.upstream === 'tls'
                  ? [['tls', t.settings.tls] as [string, string]]
                  : []),
                ['plain', t.settings.plain],
              ]}
            />
            {current.tls_available === false && <p class="muted">{t.settings.tlsUnavailable}</p>}
            {form.upstream !== 'recursive' && (
              <TextArea
                id="dns-servers"
                label={t.settings.servers}
                value={form.servers}
                onValue={set('servers')}
                placeholder="9.9.9.9@853#dns.quad9.net"
                hint={t.settings.serversHint}
              />
            )}
            <label class="choice">
              <input
                type="checkbox"
                checked={form.dnssec}
                onChange={(e) => set('dnssec')((e.target as HTMLInputElement).checked)}
              />{' '}
              {t.settings.dnssec}
            </label>
          </fieldset>
          <TextArea
            id="dns-blocklists"
            label={t.settings.blocklists}
            value={form.blocklists}
            onValue={set('blocklists')}
            placeholder="/etc/picket/blocklists/ads.txt"
            hint={t.settings.blocklistsHint}
          />
          <fieldset>
            <legend>{t.settings.blockAnswer}</legend>
            <Choices
              name="dns-block"
              current={form.block_answer}
              onPick={set('block_answer')}
              options={[
                ['nxdomain', t.settings.nxdomain],
                ['null', t.settings.nullAnswer],
              ]}
            />
          </fieldset>
          <VerbatimField
            id="dns-zone"
            label={t.settings.zone}
            value={form.zone}
            onValue={set('zone')}
            hint={t.settings.zoneHint(form.zone.trim() || 'picket.internal')}
          />
          <PasswordField id="dns-password" value={password} onValue={setPassword} />
          <ErrorText text={error} />
          <Notice text={message} />
          <div class="button-row wrap">
            <button type="submit" class="primary" disabled={busy}>
              {t.settings.saveDns}
            </button>
            <button type="button" onClick={reload} disabled={busy}>
              {t.settings.reread0}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function blockedText(s: DnsSettings): string {
  if (s.blocklists.length === 0) return t.settings.noBlocklist;
  return t.settings.blocked(s.blocked_domains, s.blocklists.length);
}

// Member-to-member traffic: a choice and Save, with the admin's password
// (picketd asks for it either way, as the firewall is one setting).
function IsolationSettings() {
  const [allowed, setAllowed] = useState<boolean | null>(null);
  const [choice, setChoice] = useState<boolean>(false);
  const [password, setPassword] = useState('');
  const [off, setOff] = useState('');
  const { busy, error, setError, message, setMessage, submit } = useAction();

  const show = (value: boolean) => {
    setAllowed(value);
    setChoice(value);
  };
  useEffect(() => {
    api<{ member_to_member: boolean }>('GET', '/firewall').then(
      (r) => show(r.member_to_member),
      (err) => {
        if (isUnknownPath(err)) {
          setOff(t.settings.firewallOff);
        } else setError(errorText(err));
      },
    );
  }, []);

  const save = submit(async () => {
    if (choice === allowed) {
      setMessage(t.settings.nothingChanged);
      return;
    }
    const body = { member_to_member: choice, password: needPassword(password) };
    const r = await api<{ member_to_member: boolean }>('PUT', '/firewall', body);
    setPassword('');
    show(r.member_to_member);
    setMessage(r.member_to_member ? t.settings.isolationOff : t.settings.isolationOn);
  });

  return (
    <section aria-labelledby="isolation-title" class="card">
      <h2 id="isolation-title">{t.settings.isolation}</h2>
      {off && <p class="muted">{off}</p>}
      {allowed !== null && (
        <form onSubmit={save} aria-label={t.settings.isolationForm}>
          <fieldset disabled={busy}>
            <legend>{t.settings.isolationQuestion}</legend>
            <Choices
              name="isolation"
              current={choice ? 'allow' : 'deny'}
              onPick={(v) => setChoice(v === 'allow')}
              options={[
                ['deny', t.settings.isolationDeny],
                ['allow', t.settings.isolationAllow],
              ]}
            />
          </fieldset>
          <PasswordField id="isolation-password" value={password} onValue={setPassword} />
          <ErrorText text={error} />
          <Notice text={message} />
          <button type="submit" class="primary" disabled={busy}>
            {t.settings.saveIsolation}
          </button>
        </form>
      )}
      <p class="muted">{t.settings.groupsWhere}</p>
      {allowed === null && <ErrorText text={error} />}
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
      <h2 id="wipe-title">{t.settings.danger}</h2>
      <h3>{t.settings.burnTitle}</h3>
      <p>{t.settings.burnText}</p>
      <Notice text={message} />
      <button type="button" class="danger" onClick={() => (setMessage(''), setOpen('burn'))}>
        {t.settings.burnButton}
      </button>
      <h3>{t.settings.rotateTitle}</h3>
      <p>{t.settings.rotateText}</p>
      <Notice text={rotated} />
      <button type="button" class="danger" onClick={() => (setRotated(''), setOpen('rotate'))}>
        {t.settings.rotateButton}
      </button>
      <h3>{t.settings.wipeTitle}</h3>
      <p>{t.settings.wipeText}</p>
      <button type="button" class="danger" onClick={() => setOpen('wipe')}>
        {t.settings.wipeButton}
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
          {t.settings.wipeConfirm}
        </FleetwideDialog>
      )}
      {open === 'rotate' && (
        <FleetwideDialog
          kind="rotate"
          onClose={close}
          onDone={(answer) => {
            const a = answer as { fingerprint: string; reissue: { member: string; device: string }[] };
            const list = a.reissue.map((r) => `${r.member} · ${r.device}`).join(', ');
            setRotated(t.settings.rotated(a.fingerprint, a.reissue.length, list));
            close();
          }}
        >
          {t.settings.rotateConfirm}
        </FleetwideDialog>
      )}
      {open === 'burn' && (
        <FleetwideDialog
          kind="burn"
          onClose={close}
          onDone={(answer) => {
            const n = (answer as { revoked?: number })?.revoked ?? 0;
            setMessage(t.settings.burned(n));
            close();
          }}
        >
          {t.settings.burnConfirm}
        </FleetwideDialog>
      )}
    </section>
  );
}

// What each fleet-wide action sends (the typed phrase picketd wants, and
// where) and how its confirmation reads.
const FLEETWIDE: Record<Fleetwide, { phrase: string; path: string }> = {
  burn: { phrase: BURN_PHRASE, path: '/burn' },
  rotate: { phrase: ROTATE_PHRASE, path: '/gateway-key/rotate' },
  wipe: { phrase: WIPE_PHRASE, path: '/wipe' },
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
  const { phrase, path } = FLEETWIDE[kind];
  const words = t.settings.fleetwide[kind];
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
      typedLabel={t.settings.typePhrase(phrase)}
      matches={(typed) => typedPhrase(typed, phrase)}
      testId={testId}
      onClose={onClose}
      onConfirm={confirm}
    >
      {children}
    </TypedConfirmDialog>
  );
}
