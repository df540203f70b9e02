// Adds a device, and its member if new, in one request: picketd creates the
// member only together with the device, so a refused device leaves no
// member behind. The key pair is made here; only the public key is sent.
import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { AccessFields, type AccessState } from '../components/access_fields';
import { ExpiryPicker, useExpiry } from '../components/expiry_picker';
import { Choices, ErrorText, Field, TextArea } from '../components/field';
import { GatewayFields } from '../components/gateway_fields';
import { needPassword, PasswordField } from '../components/password_field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import { EVERY_GATEWAY, newDeviceAssignment } from '../lib/assigned_gateways';
import { configFitsQr, accessBody, parseList as parseRoutes, splitList } from '../lib/forms';
import { memberConfigs } from '../lib/client_config';
import { useGatewayHosts } from '../lib/gateway_hosts';
import { generateKeyPair } from '../lib/keys';
import { labelProblem, noteProblem } from '../lib/validate';
import type { Member, NewDeviceAnswer } from '../types';
import { useShowConfig } from './show_config';

function memberFromUrl(): string {
  const match = /[?&]member=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : '';
}

export function AddDevice({ onCancel }: { onCancel: () => void }) {
  const [member, setMember] = useState(memberFromUrl);
  const [note, setNote] = useState('');
  const [label, setLabel] = useState('phone');
  const [split, setSplit] = useState(false);
  const [routes, setRoutes] = useState('');
  const [access, setAccess] = useState<AccessState>({ mode: 'anywhere', networks: '', group: '' });
  const [members, setMembers] = useState<Member[]>([]);
  const [password, setPassword] = useState('');
  // Empty on a single box: then no gateway choice is shown or sent.
  const gateways = useGatewayHosts();
  const [placement, setPlacement] = useState(EVERY_GATEWAY);
  const { busy, error, submit } = useAction();
  const expiryState = useExpiry();
  const showConfig = useShowConfig();
  const m = t.add;

  // Suggestions for the member field; a page is enough to jog the memory.
  useEffect(() => {
    const query = new URLSearchParams({ limit: '100' });
    if (member.trim()) query.set('q', member.trim());
    api<{ members: Member[] }>('GET', `/members?${query}`)
      .then((r) => setMembers(r.members))
      .catch(() => setMembers([]));
  }, [member]);

  const name = member.trim().toLowerCase();
  const known = members.some((x) => x.label === name);

  const add = submit(async () => {
    const expires_at = expiryState.value();
    // Checked as picketd and the CLI check it, before anything changes.
    const allowed_ips = split ? splitList(routes, m.split) : undefined;
    if (split && allowed_ips!.length === 0) throw new Error(m.needRoute);
    if (access.mode === 'only' && parseRoutes(access.networks).length === 0) throw new Error(t.access.needNetwork);
    // Sent only when it differs from the default, so picketd's plain add is used otherwise.
    const { restricted_to, group } = accessBody(access.mode, access.networks, access.group);
    const assigned = newDeviceAssignment(placement, gateways);
    needPassword(password);
    const keys = generateKeyPair();
    const body: Record<string, unknown> = { label: label.trim(), public_key: keys.publicKey, create_member: true, password };
    if (!known && note.trim()) body.note = note.trim();
    if (allowed_ips) body.allowed_ips = allowed_ips;
    if (expires_at !== null) body.expires_at = expires_at;
    if (restricted_to !== null) body.restricted_to = restricted_to;
    if (group !== null) body.group = group;
    // Only when the admin picked some gateways on a controller (picketd 409s it on a single box).
    Object.assign(body, assigned);
    const path = `/members/${seg(member.trim())}/devices`;
    const answer = await api<NewDeviceAnswer>('POST', path, body);
    // Within the limit every config fits; should one not (on a controller,
    // the one for any gateway host), the device must not stay on the
    // interface with a config nobody can scan.
    if (!memberConfigs(answer, keys.privateKey).every((config) => configFitsQr(config.text))) {
      await api('DELETE', `${path}/${seg(answer.label)}`);
      throw new Error(m.tooLong);
    }
    showConfig(answer, keys.privateKey);
  });

  return (
    <section aria-labelledby="add-title" class="narrow">
      <h1 id="add-title">{m.title}</h1>
      <form onSubmit={add} aria-label={m.formLabel}>
        <Field
          label={m.member}
          value={member}
          onValue={setMember}
          list="member-suggestions"
          autocomplete="off"
          hint={known ? m.memberKnown(name) : m.memberHint}
          problem={labelProblem(member)}
          required
        />
        <datalist id="member-suggestions">
          {members.map((x) => (
            <option key={x.id} value={x.label} />
          ))}
        </datalist>
        {!known && (
          <Field label={m.note} value={note} onValue={setNote} autocomplete="off" hint={m.noteHint} problem={noteProblem(note)} />
        )}
        <Field
          label={m.device}
          value={label}
          onValue={setLabel}
          autocomplete="off"
          hint={m.deviceHint}
          problem={labelProblem(label)}
          required
        />
        <ExpiryPicker state={expiryState} id="add-expiry" />
        {gateways.length > 0 && (
          <fieldset>
            <legend>{t.gateways.legend}</legend>
            <GatewayFields idPrefix="add-gateways" gateways={gateways} state={placement} onChange={setPlacement} />
          </fieldset>
        )}
        <details class="advanced">
          <summary>{m.advanced}</summary>
          <fieldset>
            <legend>{m.routing}</legend>
            <Choices
              name="routing"
              current={split ? 'split' : 'all'}
              onPick={(v) => setSplit(v === 'split')}
              options={[
                ['all', m.routingAll],
                ['split', m.routingSplit],
              ]}
            />
            {split && (
              <TextArea id="split-routes" label={m.routes} value={routes} onValue={setRoutes} placeholder="10.0.0.0/8" />
            )}
          </fieldset>
          <fieldset>
            <legend>{t.access.legend}</legend>
            <small class="hint block">{t.access.enforced}</small>
            <AccessFields idPrefix="add-access" state={access} onChange={setAccess} />
          </fieldset>
        </details>
        <p class="muted">{m.keyNote}</p>
        <PasswordField id="add-password" value={password} onValue={setPassword} />
        <ErrorText text={error} />
        <div class="button-row">
          <button type="button" onClick={onCancel}>
            {t.common.cancel}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? m.busy : m.submit}
          </button>
        </div>
      </form>
    </section>
  );
}
