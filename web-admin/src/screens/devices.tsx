// Members' devices with live status, searched and paged on the server so a
// list of 5,000 devices costs one page of JSON per refresh.
import { useRef, useState } from 'preact/hooks';
import { api, errorText, seg } from '../api';
import { ErrorText, Notice, SearchField } from '../components/field';
import { t } from '../i18n';
import { ago, bytes, expiry } from '../lib/format';
import { useGatewayHosts } from '../lib/gateway_hosts';
import { usePoll } from '../lib/poll';
import type { Device } from '../types';
import { DeviceDialog, EnableDialog, MemberCutOffDialog, ReissueDialog, RevokeDialog } from './device_dialogs';
import { GatewaysDialog } from './gateways_dialog';

export const PAGE_SIZE = 50;
const REFRESH_MS = 5000;

interface DevicePage {
  devices: Device[];
  total: number;
  offset: number;
}

const STATES = ['', 'active', 'inactive', 'disabled', 'expired'] as const;

export type DeviceState = 'online' | 'offline' | 'never' | 'disabled' | 'expired';

// What the row says about a device, in words and a shape (not colour alone).
export function deviceState(device: Device, nowMs: number): DeviceState {
  if (!device.enabled) return 'disabled';
  if (device.expires_at !== null && device.expires_at * 1000 <= nowMs) return 'expired';
  // WireGuard re-handshakes every 2 minutes while traffic flows; 3 minutes
  // of silence means the device is gone (or idle without keepalive).
  if (device.active && device.last_handshake && nowMs / 1000 - device.last_handshake < 180) return 'online';
  return device.last_handshake ? 'offline' : 'never';
}

function searchFromUrl(): string {
  const match = /[?&]q=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

export function Devices({ onAdd, notice }: { onAdd: () => void; notice: string }) {
  const [search, setSearch] = useState(searchFromUrl);
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<DevicePage | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<Device | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const [reissuing, setReissuing] = useState<Device | null>(null);
  const [enabling, setEnabling] = useState<Device | null>(null);
  const [cuttingMember, setCuttingMember] = useState<string | null>(null);
  const [placing, setPlacing] = useState<Device | null>(null);
  // On a controller only: which gateway hosts serve a device is a choice there.
  const gateways = useGatewayHosts();
  const controller = gateways.length > 0;
  const [message, setMessage] = useState(notice);
  const [toggling, setToggling] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const m = t.devices;

  // Typing fires a request per key; only the newest answer may draw.
  const latest = useRef(0);
  const load = async (background = false) => {
    const ticket = ++latest.current;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (search.trim()) query.set('q', search.trim());
    if (state) query.set('state', state);
    try {
      const next = await api<DevicePage>('GET', `/devices?${query}`, undefined, { background });
      if (ticket !== latest.current) return;
      setPage(next);
      setNow(Date.now());
      setError('');
      // Keep an open dialog's device current (it may have been changed elsewhere).
      if (open) setOpen(next.devices.find((d) => d.id === open.id) ?? open);
    } catch (err) {
      if (ticket === latest.current) setError(errorText(err));
    }
  };
  usePoll(load, REFRESH_MS, [search, state, offset]);

  const done = (text: string) => {
    setMessage(text);
    setOpen(null);
    setRevoking(null);
    setReissuing(null);
    setEnabling(null);
    setCuttingMember(null);
    load();
  };

  // One click: off cuts the device off at once (picketd answers once the
  // interface no longer holds it). On lets it back, so it asks for the
  // admin's password first (a session is not a password).
  const toggle = async (d: Device) => {
    if (!d.enabled) {
      setEnabling(d);
      return;
    }
    setToggling(d.id);
    try {
      await api('POST', `/members/${seg(d.member)}/devices/${seg(d.label)}/disable`, {});
      done(m.disabled(d.member, d.label));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setToggling(null);
    }
  };

  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + PAGE_SIZE, total);
  const empty = page !== null && total === 0 && !search.trim() && !state;

  return (
    <section aria-labelledby="devices-title">
      <div class="heading-row">
        <h1 id="devices-title">{m.title}</h1>
        <button type="button" class="primary" onClick={onAdd}>
          {m.add}
        </button>
      </div>
      <Notice text={message} testId="notice" />
      {empty ? (
        <div class="empty card" data-testid="empty-state">
          <h2>{m.emptyTitle}</h2>
          <p>{m.emptyText}</p>
          <button type="button" class="primary" onClick={onAdd}>
            {m.emptyAction}
          </button>
        </div>
      ) : (
        <>
          <div class="toolbar" role="search">
            <SearchField id="device-search" label={m.search} value={search} onValue={(v) => (setSearch(v), setOffset(0))} />
            <label for="device-state" class="visually-hidden">
              {m.show}
            </label>
            <select
              id="device-state"
              value={state}
              onChange={(e) => {
                setState((e.target as HTMLSelectElement).value);
                setOffset(0);
              }}
            >
              {STATES.map((value) => (
                <option value={value} key={value}>
                  {m.filters[value || 'all']}
                </option>
              ))}
            </select>
          </div>
          <ErrorText text={error} />
          <p class="count" aria-live="polite" data-testid="device-count">
            {page === null ? t.common.loading : total === 0 ? m.noMatch : m.showing(first, last, total)}
          </p>
        </>
      )}
      <ul class="devices" data-testid="device-list">
        {page?.devices.map((d) => (
          <DeviceRow
            key={d.id}
            device={d}
            now={now}
            busy={toggling === d.id}
            onOpen={() => setOpen(d)}
            onRevoke={() => setRevoking(d)}
            onToggle={() => toggle(d)}
            onReissue={() => setReissuing(d)}
            onGateways={controller ? () => setPlacing(d) : undefined}
          />
        ))}
      </ul>
      {total > PAGE_SIZE && (
        <nav class="pager" aria-label={m.pages}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {m.previous}
          </button>
          <span>{m.page(Math.floor(offset / PAGE_SIZE) + 1, Math.ceil(total / PAGE_SIZE))}</span>
          <button type="button" disabled={last >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            {m.next}
          </button>
        </nav>
      )}
      {open && (
        <DeviceDialog
          device={open}
          onClose={() => setOpen(null)}
          onDone={done}
          onRevoke={() => setRevoking(open)}
          onReissue={() => setReissuing(open)}
          onEnable={() => (setEnabling(open), setOpen(null))}
          onCutOffMember={() => (setCuttingMember(open.member), setOpen(null))}
          onGateways={controller ? () => (setPlacing(open), setOpen(null)) : undefined}
        />
      )}
      {cuttingMember && <MemberCutOffDialog member={cuttingMember} onClose={() => setCuttingMember(null)} onDone={done} />}
      {revoking && <RevokeDialog device={revoking} onClose={() => setRevoking(null)} onDone={done} />}
      {enabling && <EnableDialog device={enabling} onClose={() => setEnabling(null)} onDone={done} />}
      {placing && <GatewaysDialog device={placing} gateways={gateways} onClose={() => setPlacing(null)} />}
      {reissuing && <ReissueDialog device={reissuing} onClose={() => setReissuing(null)} onDone={() => setReissuing(null)} />}
    </section>
  );
}

function DeviceRow({
  device: d,
  now,
  busy,
  onOpen,
  onRevoke,
  onToggle,
  onReissue,
  onGateways,
}: {
  device: Device;
  now: number;
  busy: boolean;
  onOpen: () => void;
  onRevoke: () => void;
  onToggle: () => void;
  onReissue: () => void;
  // Left out on a single box.
  onGateways?: () => void;
}) {
  const state = deviceState(d, now);
  const name = `${d.member} · ${d.label}`;
  const m = t.devices;
  const seen = d.last_handshake ? m.lastSeen(ago(d.last_handshake, now)) : '';
  return (
    <li class="device" data-testid="device-row" data-device={`${d.member}/${d.label}`} data-state={state}>
      <span class={`state-shape ${state}`} aria-hidden="true" />
      <div class="who">
        <strong>{name}</strong>
        <span class="muted" data-testid="device-state">
          {m.states[state]}
          {seen && state !== 'never' ? ` · ${seen}` : ''}
        </span>
      </div>
      <div class="what muted">
        <span>{d.ipv4}</span>
        {state !== 'never' && state !== 'disabled' && (
          <span>
            ↓ {bytes(d.tx_bytes ?? 0)} ↑ {bytes(d.rx_bytes ?? 0)}
          </span>
        )}
        <span>{expiry(d.expires_at, now)}</span>
        {state === 'never' && (
          <span class="hint">
            {m.neverHint}{' '}
            <button type="button" class="link" onClick={onReissue} aria-label={m.newConfigFor(name)}>
              {m.newConfig}
            </button>
          </span>
        )}
      </div>
      <div class="actions">
        <button
          type="button"
          role="switch"
          class={`switch ${d.enabled ? 'on' : 'off'}`}
          aria-checked={d.enabled}
          aria-label={m.access(name)}
          disabled={busy}
          onClick={onToggle}
        >
          <span class="switch-track" aria-hidden="true" />
          {d.enabled ? m.on : m.off}
        </button>
        <button type="button" onClick={onOpen} aria-label={m.manage(name)}>
          {m.manageShort}
        </button>
        {onGateways && (
          <button type="button" onClick={onGateways} aria-label={t.gateways.rowFor(name)}>
            {t.gateways.rowShort}
          </button>
        )}
        <button type="button" class="danger-outline" onClick={onRevoke} aria-label={m.revoke(name)}>
          {m.revokeShort}
        </button>
      </div>
    </li>
  );
}
