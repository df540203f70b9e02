import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText, seg } from '../api';
import { Dialog } from '../components/dialog';
import { ExpiryPicker, useExpiry } from '../components/expiry_picker';
import { AccessFields, type AccessState } from '../components/access_fields';
import { ErrorText, Field, Notice } from '../components/field';
import { accessBody, accessMode, accessSummary, type Access } from '../lib/forms';
import { dateTime, expiry } from '../lib/format';
import { generateKeyPair } from '../lib/keys';
import { useShowConfig } from './show_config';
import type { Device, NewDeviceAnswer } from '../types';

const path = (d: Device) => `/members/${seg(d.member)}/devices/${seg(d.label)}`;
const nameOf = (d: Device) => `${d.member}'s ${d.label}`;

export function RevokeDialog({
  device,
  onClose,
  onDone,
}: {
  device: Device;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function revoke() {
    setBusy(true);
    setError('');
    try {
      await api('DELETE', path(device));
      // picketd answers only once the interface no longer holds the peer.
      onDone(`Done: ${nameOf(device)} is cut off. Its key no longer works, and the device is deleted.`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Revoke ${nameOf(device)}?`} onClose={onClose}>
      <p>
        <strong>{device.member}</strong> loses access from <strong>{device.label}</strong> ({device.ipv4}) at once. This
        cannot be undone: to let them back in, add a new device.
      </p>
      <ErrorText text={error} />
      <div class="button-row">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={revoke} disabled={busy} data-testid="confirm-revoke">
          {busy ? 'Revoking…' : `Cut off ${nameOf(device)}`}
        </button>
      </div>
    </Dialog>
  );
}

// Every device of one member at once (a member's phone and laptop seized
// together); the member stays. picketd wants the member's name typed again.
export function MemberRevokeDialog({
  member,
  onClose,
  onDone,
}: {
  member: string;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const answer = await api<{ revoked: number }>('POST', `/members/${seg(member)}/revoke-devices`, { confirm: typed.trim() });
      const n = answer.revoked;
      onDone(`Done: ${n === 1 ? "1 device" : `all ${n} devices`} of ${member} ${n === 1 ? 'is' : 'are'} cut off and deleted; ${member} is kept.`);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Cut off all of ${member}'s devices?`} onClose={onClose}>
      <form onSubmit={submit} aria-label={`Cut off all of ${member}'s devices`}>
        <p>
          Every device of <strong>{member}</strong> stops working at once and is deleted. The member is kept, so you can
          add a new device for them later.
        </p>
        <Field
          id="member-revoke-confirm"
          label={`Type the member's name, ${member}, to confirm`}
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
          <button type="submit" class="danger" disabled={typed.trim() !== member || busy} data-testid="confirm-member-revoke">
            {busy ? 'Cutting off…' : `Cut off ${member}'s devices`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function DeviceDialog({
  device,
  onClose,
  onDone,
  onRevoke,
  onRevokeMember,
}: {
  device: Device;
  onClose: () => void;
  onDone: (message: string) => void;
  onRevoke: () => void;
  onRevokeMember: () => void;
}) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const expiryState = useExpiry();
  const showConfig = useShowConfig();

  async function run(action: () => Promise<string>) {
    setBusy(true);
    setError('');
    try {
      onDone(await action());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const toggle = () =>
    run(async () => {
      await api('POST', `${path(device)}/${device.enabled ? 'disable' : 'enable'}`, {});
      return device.enabled
        ? `${nameOf(device)} is disabled: cut off until you enable it again.`
        : `${nameOf(device)} is enabled again.`;
    });

  const setExpiry = () =>
    run(async () => {
      const at = expiryState.value();
      await api('PUT', `${path(device)}/expiry`, { expires_at: at });
      return at === null ? `${nameOf(device)} no longer expires.` : `${nameOf(device)}'s access ends ${dateTime(at)}.`;
    });

  const reissue = () =>
    run(async () => {
      const keys = generateKeyPair();
      const answer = await api<NewDeviceAnswer>('POST', `${path(device)}/reissue`, { public_key: keys.publicKey });
      showConfig(answer, keys.privateKey);
      return `${nameOf(device)} has a new key; the old one no longer works.`;
    });

  return (
    <Dialog title={nameOf(device)} onClose={onClose}>
      <dl class="details">
        <dt>Addresses</dt>
        <dd>
          {device.ipv4}, {device.ipv6}
        </dd>
        <dt>Routes through the VPN</dt>
        <dd>
          {device.allowed_ips.join(', ')}
          <small class="hint block">
            Set in the member's config when the device was added; picketd has no way to change it on an existing device.
            For other routes, add a new device and revoke this one.
          </small>
        </dd>
        <dt>Public key</dt>
        <dd>
          <code>{device.public_key}</code>
        </dd>
        <dt>Added</dt>
        <dd>{dateTime(device.created_at)}</dd>
        <dt>Status</dt>
        <dd>
          {device.enabled ? 'enabled' : 'disabled'}, {expiry(device.expires_at)}
        </dd>
      </dl>
      <AccessEditor device={device} />
      <ExpiryPicker state={expiryState} id="manage-expiry" />
      <ErrorText text={error} />
      <div class="button-row wrap">
        <button type="button" onClick={setExpiry} disabled={busy}>
          Set end of access
        </button>
        <button type="button" onClick={toggle} disabled={busy}>
          {device.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" onClick={reissue} disabled={busy}>
          Reissue (lost phone)
        </button>
        <button type="button" class="danger" onClick={onRevoke} disabled={busy}>
          Revoke…
        </button>
        <button type="button" class="danger" onClick={onRevokeMember} disabled={busy}>
          Cut off all of {device.member}'s devices…
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

// What the device may reach through the gateway, enforced by the gateway's
// firewall (not by the member's config, which the member controls).
function AccessEditor({ device }: { device: Device }) {
  const [access, setAccess] = useState<Access | null>(null);
  const [fields, setFields] = useState<AccessState>({ mode: 'anywhere', networks: '', group: '' });
  const [off, setOff] = useState('');
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  const show = (a: Access) => {
    setAccess(a);
    setFields({ mode: accessMode(a), networks: (a.restricted_to ?? []).join('\n'), group: a.group ?? '' });
  };
  useEffect(() => {
    api<Access>('GET', `${path(device)}/access`).then(show, (err) => {
      if (err instanceof ApiError && err.status === 404 && /unknown API path/i.test(err.message)) {
        setOff("picketd's firewall is off (--no-firewall), so it cannot restrict devices.");
      } else setError(errorText(err));
    });
  }, [device.member, device.label]);

  async function save(e: Event) {
    e.preventDefault();
    setError('');
    setMessage('');
    setBusy(true);
    try {
      const body = accessBody(fields.mode, fields.networks, fields.group);
      const next = await api<Access>('PUT', `${path(device)}/access`, body);
      show(next);
      setMessage(`Saved: ${nameOf(device)} ${accessSummary(next)}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (off) return <p class="muted">{off}</p>;
  return (
    <form onSubmit={save} aria-label={`Access of ${nameOf(device)}`} class="subform">
      <fieldset disabled={access === null || busy}>
        <legend>What this device may reach</legend>
        <AccessFields idPrefix="access" state={fields} onChange={setFields} />
        <ErrorText text={error} />
        <Notice text={message} />
        <button type="submit">Save access</button>
      </fieldset>
    </form>
  );
}
