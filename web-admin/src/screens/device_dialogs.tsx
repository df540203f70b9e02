import { useEffect, useState } from 'preact/hooks';
import { api, errorText, isUnknownPath, seg } from '../api';
import { AccessFields, type AccessState } from '../components/access_fields';
import { ConfirmButtons, Dialog, PasswordConfirmDialog, TypedConfirmDialog } from '../components/dialog';
import { ExpiryPicker, useExpiry } from '../components/expiry_picker';
import { ErrorText, Notice } from '../components/field';
import { needPassword, PasswordField } from '../components/password_field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { dateTime, expiry, gatewaySummary } from '../lib/format';
import { accessBody, accessMode, checkReissue, parseList, type Access } from '../lib/forms';
import { generateKeyPair } from '../lib/keys';
import type { Device, NewDeviceAnswer, RevokeAnswer } from '../types';
import { useShowConfig } from './show_config';

const path = (d: Device) => `/members/${seg(d.member)}/devices/${seg(d.label)}`;

// What each dialog hands back to the list it was opened from.
interface Closing {
  onClose: () => void;
  onDone: (message: string) => void;
}

// One click on the row and this one confirmation: no typing, no password
// (it only narrows access).
export function RevokeDialog({ device, onClose, onDone }: Closing & { device: Device }) {
  const { busy, error, run } = useAction();
  const m = t.dialogs;
  const revoke = () =>
    run(async () => {
      const answer = await api<RevokeAnswer>('DELETE', path(device));
      // picketd answers only once the interface (or every connected
      // gateway host) no longer holds the peer.
      const gateways = gatewaySummary(answer.gateways);
      onDone(m.revoked(device.member, device.label) + (gateways ? ` ${gateways}.` : ''));
    });
  return (
    <Dialog title={m.revokeTitle(device.member, device.label)} onClose={onClose}>
      <p>{m.revokeText(device.member, device.label, device.ipv4)}</p>
      <ConfirmButtons
        error={error}
        busy={busy}
        action={m.revokeAction(device.member, device.label)}
        busyText={m.revoking}
        testId="confirm-revoke"
        onCancel={onClose}
        onConfirm={revoke}
      />
    </Dialog>
  );
}

// A lost phone, or a config that never made it onto the device: a new key
// pair made here; the old key stops working at once. A new key is new
// access, so the admin's password goes with it.
export function ReissueDialog({ device, onClose }: { device: Device; onClose: () => void; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useAction();
  const showConfig = useShowConfig();
  const m = t.dialogs;
  const reissue = submit(async () => {
    // A device kept from before the limit would get a config no QR holds.
    checkReissue(device, t.add.split);
    needPassword(password);
    const keys = generateKeyPair();
    const answer = await api<NewDeviceAnswer>('POST', `${path(device)}/reissue`, { public_key: keys.publicKey, password });
    showConfig(answer, keys.privateKey);
  });
  return (
    <Dialog title={m.reissueTitle(device.member, device.label)} onClose={onClose}>
      <form onSubmit={reissue} aria-label={m.reissueTitle(device.member, device.label)}>
        <p>{m.reissueText}</p>
        <PasswordField id="reissue-password" value={password} onValue={setPassword} />
        <ConfirmButtons
          error={error}
          busy={busy}
          ready={password !== ''}
          action={m.reissueAction}
          busyText={m.reissuing}
          testId="confirm-reissue"
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

// Switching a device back on lets it in again: one confirmation and the
// admin's password. (Switching off stays one click: it only narrows access.)
export function EnableDialog({ device, onClose, onDone }: Closing & { device: Device }) {
  const m = t.dialogs;
  return (
    <PasswordConfirmDialog
      title={m.enableTitle(device.member, device.label)}
      passwordId="enable-password"
      action={m.enableAction(device.member, device.label)}
      busyText={m.enabling}
      testId="confirm-enable"
      kind="primary"
      onClose={onClose}
      onConfirm={async (password) => {
        await api('POST', `${path(device)}/enable`, { password });
        onDone(t.devices.enabled(device.member, device.label));
      }}
    >
      {m.enableText(device.member, device.label)}
    </PasswordConfirmDialog>
  );
}

// Every device of one member off at once (the moment an organizer learns a
// member is an informant): one confirmation, no typing, no password. The
// devices stay, off, and can be switched on one by one.
export function MemberCutOffDialog({ member, onClose, onDone }: Closing & { member: string }) {
  const { busy, error, run } = useAction();
  const m = t.dialogs;
  const cut = () =>
    run(async () => {
      const answer = await api<{ disabled: number }>('POST', `/members/${seg(member)}/disable-devices`, {});
      onDone(m.memberCut(member, answer.disabled));
    });
  return (
    <Dialog title={m.memberCutTitle(member)} onClose={onClose}>
      <p>{m.memberCutText(member)}</p>
      <ConfirmButtons
        error={error}
        busy={busy}
        action={m.memberCutAction(member)}
        busyText={m.cutting}
        testId="confirm-member-cut"
        onCancel={onClose}
        onConfirm={cut}
      />
    </Dialog>
  );
}

// Deleting a member's record (and every device) destroys data: the name
// typed again and the admin's password.
export function MemberRemoveDialog({ member, onClose, onDone }: Closing & { member: string }) {
  const m = t.dialogs;
  async function remove(_typed: string, password: string) {
    await api('DELETE', `/members/${seg(member)}`, { password });
    onDone(m.memberRemoved(member));
  }
  return (
    <TypedConfirmDialog
      title={m.memberRemoveTitle(member)}
      passwordId="member-remove-password"
      typedId="member-remove-confirm"
      typedLabel={m.typeName(member)}
      matches={(typed) => typed.trim().toLowerCase() === member}
      action={m.memberRemoveAction(member)}
      busyText={m.removing}
      testId="confirm-member-remove"
      onClose={onClose}
      onConfirm={remove}
    >
      {m.memberRemoveText(member)}
    </TypedConfirmDialog>
  );
}

export function DeviceDialog({
  device,
  onClose,
  onDone,
  onRevoke,
  onReissue,
  onEnable,
  onCutOffMember,
  onGateways,
}: Closing & {
  device: Device;
  onRevoke: () => void;
  onReissue: () => void;
  onEnable: () => void;
  onCutOffMember: () => void;
  // On a controller: which gateway hosts serve it, in a dialog of its own.
  onGateways?: () => void;
}) {
  const { busy, error, run } = useAction();
  const expiryState = useExpiry();
  // One password field for the dialog's changes that widen access (expiry,
  // access); kept while the dialog is open, forgotten when it closes.
  const [password, setPassword] = useState('');
  const [passwordMissing, setPasswordMissing] = useState(false);
  const m = t.dialogs;
  // Each button's action says in words what it did.
  const act = (action: () => Promise<string>) => run(async () => onDone(await action()));
  const withPassword = () => {
    setPasswordMissing(password === '');
    return needPassword(password);
  };

  // Off is one click; on asks for the password in a dialog of its own.
  const toggle = () =>
    device.enabled
      ? act(async () => {
          await api('POST', `${path(device)}/disable`, {});
          return t.devices.disabled(device.member, device.label);
        })
      : onEnable();

  const setExpiry = () =>
    act(async () => {
      const at = expiryState.value();
      await api('PUT', `${path(device)}/expiry`, { expires_at: at, password: withPassword() });
      return at === null ? m.noExpiry(device.member, device.label) : m.expiresAt(device.member, device.label, dateTime(at));
    });

  return (
    <Dialog title={m.deviceTitle(device.member, device.label)} onClose={onClose}>
      <dl class="details">
        <dt>{m.addresses}</dt>
        <dd>
          {device.ipv4}, {device.ipv6}
        </dd>
        <dt>{m.routes}</dt>
        <dd>
          {device.allowed_ips.join(', ')}
          <small class="hint block">{m.routesHint}</small>
        </dd>
        <dt>{m.publicKey}</dt>
        <dd>
          <code>{device.public_key}</code>
        </dd>
        <dt>{m.added}</dt>
        <dd>{dateTime(device.created_at)}</dd>
        <dt>{m.status}</dt>
        <dd>
          {device.enabled ? t.devices.on : t.devices.off}, {expiry(device.expires_at)}
        </dd>
      </dl>
      <PasswordField
        id="manage-password"
        value={password}
        onValue={(v) => (setPassword(v), setPasswordMissing(false))}
        hint={m.managePasswordHint}
        problem={passwordMissing ? t.errors.passwordRequired : null}
      />
      <AccessEditor device={device} password={withPassword} />
      <ExpiryPicker state={expiryState} id="manage-expiry" />
      <ErrorText text={error} />
      <div class="button-row wrap">
        <button type="button" onClick={setExpiry} disabled={busy}>
          {m.setExpiry}
        </button>
        <button type="button" onClick={toggle} disabled={busy}>
          {device.enabled ? m.switchOff : m.switchOn}
        </button>
        <button type="button" onClick={onReissue} disabled={busy}>
          {m.reissue}
        </button>
        {onGateways && (
          <button type="button" onClick={onGateways} disabled={busy}>
            {t.gateways.manage}
          </button>
        )}
        <button type="button" class="danger-outline" onClick={onRevoke} disabled={busy}>
          {m.revokeButton}
        </button>
        <button type="button" class="danger-outline" onClick={onCutOffMember} disabled={busy}>
          {m.cutOffMember(device.member)}
        </button>
        <button type="button" onClick={onClose}>
          {t.common.close}
        </button>
      </div>
    </Dialog>
  );
}

// In the admin's language (lib/forms.ts has the English one for tests).
function accessWords(access: Access): string {
  const a = t.access;
  const where =
    access.restricted_to === null
      ? a.reachesAnywhere
      : access.restricted_to.length === 0
        ? a.reachesGateway
        : a.reachesOnly(access.restricted_to.join(', '));
  return access.group ? a.inGroup(where, access.group) : where;
}

// What the device may reach through the gateway, enforced by the gateway's
// firewall (not by the member's config, which the member controls).
function AccessEditor({ device, password }: { device: Device; password: () => string }) {
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
      if (isUnknownPath(err)) {
        setOff(t.access.firewallOff);
      } else setError(errorText(err));
    });
  }, [device.member, device.label]);

  const save = submit(async () => {
    if (fields.mode === 'only' && parseList(fields.networks).length === 0) throw new Error(t.access.needNetwork);
    const body = { ...accessBody(fields.mode, fields.networks, fields.group), password: password() };
    const next = await api<Access>('PUT', `${path(device)}/access`, body);
    show(next);
    setMessage(t.access.saved(device.member, device.label, accessWords(next)));
  });

  if (off) return <p class="muted">{off}</p>;
  return (
    <form onSubmit={save} aria-label={t.access.formLabel(device.member, device.label)} class="subform">
      <fieldset disabled={access === null || busy}>
        <legend>{t.access.legendDevice}</legend>
        <AccessFields idPrefix="access" state={fields} onChange={setFields} />
        <ErrorText text={error} />
        <Notice text={message} />
        <button type="submit">{t.access.save}</button>
      </fieldset>
    </form>
  );
}
