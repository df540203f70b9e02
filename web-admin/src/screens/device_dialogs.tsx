import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, errorText, seg } from '../api';
import { ConfirmButtons, Dialog, TypedConfirmDialog } from '../components/dialog';
import { ExpiryPicker, useExpiry } from '../components/expiry_picker';
import { AccessFields, type AccessState } from '../components/access_fields';
import { ErrorText, Notice } from '../components/field';
import { useAction } from '../lib/action';
import { accessBody, accessMode, accessSummary, type Access } from '../lib/forms';
import { dateTime, expiry } from '../lib/format';
import { generateKeyPair } from '../lib/keys';
import { useShowConfig } from './show_config';
import type { Device, NewDeviceAnswer } from '../types';

const path = (d: Device) => `/members/${seg(d.member)}/devices/${seg(d.label)}`;
const nameOf = (d: Device) => `${d.member}'s ${d.label}`;

// What each dialog hands back to the device list.
interface Closing {
  onClose: () => void;
  onDone: (message: string) => void;
}

export function RevokeDialog({ device, onClose, onDone }: Closing & { device: Device }) {
  const { busy, error, run } = useAction();
  const revoke = () =>
    run(async () => {
      await api('DELETE', path(device));
      // picketd answers only once the interface no longer holds the peer.
      onDone(`Done: ${nameOf(device)} is cut off. Its key no longer works, and the device is deleted.`);
    });
  return (
    <Dialog title={`Revoke ${nameOf(device)}?`} onClose={onClose}>
      <p>
        <strong>{device.member}</strong> loses access from <strong>{device.label}</strong> ({device.ipv4}) at once. This
        cannot be undone: to let them back in, add a new device.
      </p>
      <ConfirmButtons
        error={error}
        busy={busy}
        action={`Cut off ${nameOf(device)}`}
        busyText="Revoking…"
        testId="confirm-revoke"
        onCancel={onClose}
        onConfirm={revoke}
      />
    </Dialog>
  );
}

// Every device of one member at once (a member's phone and laptop seized
// together); the member stays. picketd wants the member's name typed again.
export function MemberRevokeDialog({ member, onClose, onDone }: Closing & { member: string }) {
  async function revokeAll(typed: string) {
    const answer = await api<{ revoked: number }>('POST', `/members/${seg(member)}/revoke-devices`, { confirm: typed.trim() });
    const n = answer.revoked;
    onDone(`Done: ${n === 1 ? "1 device" : `all ${n} devices`} of ${member} ${n === 1 ? 'is' : 'are'} cut off and deleted; ${member} is kept.`);
  }
  return (
    <TypedConfirmDialog
      title={`Cut off all of ${member}'s devices?`}
      formLabel={`Cut off all of ${member}'s devices`}
      typedId="member-revoke-confirm"
      typedLabel={`Type the member's name, ${member}, to confirm`}
      matches={(typed) => typed.trim() === member}
      action={`Cut off ${member}'s devices`}
      busyText="Cutting off…"
      testId="confirm-member-revoke"
      onClose={onClose}
      onConfirm={revokeAll}
    >
      Every device of <strong>{member}</strong> stops working at once and is deleted. The member is kept, so you can add
      a new device for them later.
    </TypedConfirmDialog>
  );
}

export function DeviceDialog({
  device,
  onClose,
  onDone,
  onRevoke,
  onRevokeMember,
}: Closing & { device: Device; onRevoke: () => void; onRevokeMember: () => void }) {
  const { busy, error, run } = useAction();
  const expiryState = useExpiry();
  const showConfig = useShowConfig();
  // Each button's action says in words what it did.
  const act = (action: () => Promise<string>) => run(async () => onDone(await action()));

  const toggle = () =>
    act(async () => {
      await api('POST', `${path(device)}/${device.enabled ? 'disable' : 'enable'}`, {});
      return device.enabled
        ? `${nameOf(device)} is disabled: cut off until you enable it again.`
        : `${nameOf(device)} is enabled again.`;
    });

  const setExpiry = () =>
    act(async () => {
      const at = expiryState.value();
      await api('PUT', `${path(device)}/expiry`, { expires_at: at });
      return at === null ? `${nameOf(device)} no longer expires.` : `${nameOf(device)}'s access ends ${dateTime(at)}.`;
    });

  const reissue = () =>
    act(async () => {
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
  const { busy, error, setError, message, setMessage, submit } = useAction();

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

  const save = submit(async () => {
    const body = accessBody(fields.mode, fields.networks, fields.group);
    const next = await api<Access>('PUT', `${path(device)}/access`, body);
    show(next);
    setMessage(`Saved: ${nameOf(device)} ${accessSummary(next)}.`);
  });

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
