// Adds a member (if new) and a device. The key pair is made here; only the
// public key is sent.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api';
import { AccessFields, type AccessState } from '../components/access_fields';
import { ExpiryPicker, useExpiry } from '../components/expiry_picker';
import { Choices, ErrorText, Field, TextArea } from '../components/field';
import { useAction } from '../lib/action';
import { generateKeyPair } from '../lib/keys';
import type { Member, NewDeviceAnswer } from '../types';
import { useShowConfig } from './show_config';

import { accessBody, parseList as parseRoutes } from '../lib/forms';

const ROUTING: [string, string][] = [
  ['all', 'All traffic (safest)'],
  ['split', 'Only some networks (split tunnel)'],
];

export function AddDevice({ onCancel }: { onCancel: () => void }) {
  const [member, setMember] = useState('');
  const [note, setNote] = useState('');
  const [label, setLabel] = useState('phone');
  const [split, setSplit] = useState(false);
  const [routes, setRoutes] = useState('');
  const [access, setAccess] = useState<AccessState>({ mode: 'anywhere', networks: '', group: '' });
  const [members, setMembers] = useState<Member[]>([]);
  const { busy, error, submit } = useAction();
  const expiryState = useExpiry();
  const showConfig = useShowConfig();

  // Suggestions for the member field; a page is enough to jog the memory.
  useEffect(() => {
    const query = new URLSearchParams({ limit: '100' });
    if (member.trim()) query.set('q', member.trim());
    api<{ members: Member[] }>('GET', `/members?${query}`)
      .then((r) => setMembers(r.members))
      .catch(() => setMembers([]));
  }, [member]);

  const add = submit(async () => {
    const expires_at = expiryState.value();
    const allowed_ips = split ? parseRoutes(routes) : undefined;
    if (split && allowed_ips!.length === 0) throw new Error('List at least one network for the split tunnel, e.g. 10.0.0.0/8.');
    // Sent only when it differs from the default, so picketd's plain add is used otherwise.
    const { restricted_to, group } = accessBody(access.mode, access.networks, access.group);
    const name = member.trim();
    try {
      await api('POST', '/members', note.trim() ? { label: name, note: note.trim() } : { label: name });
    } catch (err) {
      // An existing member is fine: the device is added to them.
      if (!(err instanceof ApiError && err.status === 409)) throw err;
    }
    const keys = generateKeyPair();
    const body: Record<string, unknown> = { label: label.trim(), public_key: keys.publicKey };
    if (allowed_ips) body.allowed_ips = allowed_ips;
    if (expires_at !== null) body.expires_at = expires_at;
    if (restricted_to !== null) body.restricted_to = restricted_to;
    if (group !== null) body.group = group;
    const answer = await api<NewDeviceAnswer>('POST', `/members/${seg(name)}/devices`, body);
    showConfig(answer, keys.privateKey);
  });

  return (
    <section aria-labelledby="add-title" class="narrow">
      <h1 id="add-title">Add a member or device</h1>
      <form onSubmit={add} aria-label="Add a device">
        <Field
          label="Member"
          value={member}
          onValue={setMember}
          list="member-suggestions"
          autocomplete="off"
          hint="A pseudonym is best. An existing member gets one more device."
          required
        />
        <datalist id="member-suggestions">
          {members.map((m) => (
            <option key={m.id} value={m.label} />
          ))}
        </datalist>
        <Field label="Note about a new member (optional)" value={note} onValue={setNote} autocomplete="off" />
        <Field label="Device name" value={label} onValue={setLabel} autocomplete="off" hint="For example phone or laptop." required />
        <fieldset>
          <legend>What goes through the VPN</legend>
          <Choices name="routing" current={split ? 'split' : 'all'} onPick={(v) => setSplit(v === 'split')} options={ROUTING} />
          {split && (
            <TextArea id="split-routes" label="Networks, one per line" value={routes} onValue={setRoutes} placeholder="10.0.0.0/8" />
          )}
        </fieldset>
        <fieldset>
          <legend>What the device may reach</legend>
          <small class="hint block">Enforced by the gateway, whatever the member's app is set to.</small>
          <AccessFields idPrefix="add-access" state={access} onChange={setAccess} />
        </fieldset>
        <ExpiryPicker state={expiryState} id="add-expiry" />
        <p class="muted">
          The key pair is made in this browser. picketd receives only the public key; the private key appears once, in
          the QR code and the file on the next screen.
        </p>
        <ErrorText text={error} />
        <div class="button-row">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add and show the QR code'}
          </button>
        </div>
      </form>
    </section>
  );
}
