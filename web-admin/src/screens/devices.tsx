// Members' devices with live status, searched and paged on the server so a
// list of 5,000 devices costs one page of JSON per refresh.
import { useRef, useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { ErrorText, Notice, SearchField } from '../components/field';
import { ago, bytes, expiry } from '../lib/format';
import { usePoll } from '../lib/poll';
import type { Device } from '../types';
import { DeviceDialog, MemberRevokeDialog, RevokeDialog } from './device_dialogs';

export const PAGE_SIZE = 50;
const REFRESH_MS = 5000;

interface DevicePage {
  devices: Device[];
  total: number;
  offset: number;
}

const STATES: [string, string][] = [
  ['', 'All devices'],
  ['active', 'On the interface'],
  ['inactive', 'Not on the interface'],
  ['enabled', 'Enabled'],
  ['disabled', 'Disabled'],
  ['expired', 'Expired'],
];

function online(device: Device, nowMs: number): boolean {
  // WireGuard re-handshakes every 2 minutes while traffic flows; 3 minutes
  // of silence means the device is gone (or idle without keepalive).
  return !!device.active && !!device.last_handshake && nowMs / 1000 - device.last_handshake < 180;
}

export function Devices({ onAdd, notice }: { onAdd: () => void; notice: string }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<DevicePage | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<Device | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const [revokingMember, setRevokingMember] = useState<string | null>(null);
  const [message, setMessage] = useState(notice);
  const [now, setNow] = useState(Date.now());

  // Typing fires a request per key; only the newest answer may draw.
  const latest = useRef(0);
  const load = async () => {
    const ticket = ++latest.current;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (search.trim()) query.set('q', search.trim());
    if (state) query.set('state', state);
    try {
      const next = await api<DevicePage>('GET', `/devices?${query}`);
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
    setRevokingMember(null);
    load();
  };

  const total = page?.total ?? 0;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + PAGE_SIZE, total);

  return (
    <section aria-labelledby="devices-title">
      <div class="heading-row">
        <h1 id="devices-title">Devices</h1>
        <button type="button" class="primary" onClick={onAdd}>
          Add member or device
        </button>
      </div>
      <Notice text={message} testId="notice" />
      <div class="toolbar" role="search">
        <SearchField id="device-search" label="Search members and devices" value={search} onValue={(v) => (setSearch(v), setOffset(0))} />
        <label for="device-state" class="visually-hidden">
          Show
        </label>
        <select
          id="device-state"
          value={state}
          onChange={(e) => {
            setState((e.target as HTMLSelectElement).value);
            setOffset(0);
          }}
        >
          {STATES.map(([value, text]) => (
            <option value={value} key={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
      <ErrorText text={error} />
      <p class="count" aria-live="polite" data-testid="device-count">
        {page === null ? 'Loading…' : total === 0 ? 'No devices match.' : `Showing ${first}–${last} of ${total}`}
      </p>
      <ul class="devices" data-testid="device-list">
        {page?.devices.map((d) => (
          <DeviceRow key={d.id} device={d} now={now} onOpen={() => setOpen(d)} onRevoke={() => setRevoking(d)} />
        ))}
      </ul>
      {total > PAGE_SIZE && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            Previous
          </button>
          <span>
            Page {Math.floor(offset / PAGE_SIZE) + 1} of {Math.ceil(total / PAGE_SIZE)}
          </span>
          <button type="button" disabled={last >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
            Next
          </button>
        </nav>
      )}
      {open && (
        <DeviceDialog
          device={open}
          onClose={() => setOpen(null)}
          onDone={done}
          onRevoke={() => setRevoking(open)}
          onRevokeMember={() => (setRevokingMember(open.member), setOpen(null))}
        />
      )}
      {revokingMember && (
        <MemberRevokeDialog member={revokingMember} onClose={() => setRevokingMember(null)} onDone={done} />
      )}
      {revoking && <RevokeDialog device={revoking} onClose={() => setRevoking(null)} onDone={done} />}
    </section>
  );
}

function DeviceRow({
  device: d,
  now,
  onOpen,
  onRevoke,
}: {
  device: Device;
  now: number;
  onOpen: () => void;
  onRevoke: () => void;
}) {
  const up = online(d, now);
  const name = `${d.member} · ${d.label}`;
  return (
    <li class="device" data-testid="device-row" data-device={`${d.member}/${d.label}`}>
      <span class={`dot ${up ? 'on' : 'off'}`} aria-hidden="true" />
      <div class="who">
        <strong>{name}</strong>
        <span class="muted">
          {up ? 'online' : 'offline'} · handshake {ago(d.last_handshake ?? 0, now)}
        </span>
      </div>
      <div class="what muted">
        <span>{d.ipv4}</span>
        <span>
          ↓ {bytes(d.tx_bytes ?? 0)} ↑ {bytes(d.rx_bytes ?? 0)}
        </span>
        <span>
          {!d.enabled ? <span class="badge warn">disabled</span> : null} {expiry(d.expires_at, now)}
        </span>
      </div>
      <div class="actions">
        <button type="button" onClick={onOpen} aria-label={`Manage ${name}`}>
          Manage
        </button>
        <button type="button" class="danger" onClick={onRevoke} aria-label={`Revoke ${name}`}>
          Revoke
        </button>
      </div>
    </li>
  );
}
