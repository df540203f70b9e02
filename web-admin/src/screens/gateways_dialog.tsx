// Which gateway hosts serve a device (picketd --role controller): read with
// GET …/assigned-gateways, changed with PUT, and what each host said about
// the change shown as the revoke shows it. A change may put the device on
// a gateway it was kept off, which widens access: the admin's password goes
// with it (x-picket-password, test/password_contract.test.ts).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText, seg } from '../api';
import { Dialog } from '../components/dialog';
import { ErrorText, Notice } from '../components/field';
import { GatewayFields } from '../components/gateway_fields';
import { needPassword, PasswordField } from '../components/password_field';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import {
  assignmentBody,
  assignmentWords,
  changeWords,
  choiceOf,
  EVERY_GATEWAY,
  type Assignment,
  type GatewayChoice,
} from '../lib/assigned_gateways';
import type { GatewayEndpoint } from '../lib/client_config';
import type { AssignedGateways, AssignedGatewaysChange, Device } from '../types';

const path = (d: Device) => `/members/${seg(d.member)}/devices/${seg(d.label)}/assigned-gateways`;

export function GatewaysDialog({
  device,
  gateways,
  onClose,
}: {
  device: Device;
  gateways: GatewayEndpoint[];
  onClose: () => void;
}) {
  // undefined until picketd answers: no choice is shown before the real one.
  const [assigned, setAssigned] = useState<Assignment | undefined>(undefined);
  const [choice, setChoice] = useState(EVERY_GATEWAY);
  const [off, setOff] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, message, setMessage, submit } = useAction();
  const m = t.gateways;

  const show = (a: Assignment) => {
    setAssigned(a);
    setChoice(choiceOf(a));
  };
  useEffect(() => {
    api<AssignedGateways>('GET', path(device)).then(
      (r) => show(r.assigned_gateways),
      // 409: a single box, which serves every device itself.
      (err) => (err instanceof ApiError && err.status === 409 ? setOff(m.singleBox) : setError(errorText(err))),
    );
  }, [device.member, device.label]);

  const save = submit(async () => {
    needPassword(password);
    const answer = await api<AssignedGatewaysChange>('PUT', path(device), { ...assignmentBody(choice), password });
    setPassword('');
    show(answer.assigned_gateways);
    setMessage(changeWords(device.member, device.label, answer));
  });

  return (
    <Dialog title={m.title(device.member, device.label)} onClose={onClose}>
      <form onSubmit={save} aria-label={m.title(device.member, device.label)}>
        <AssignmentView
          assigned={assigned}
          off={off}
          failed={error !== ''}
          gateways={gateways}
          choice={choice}
          onChoice={setChoice}
          busy={busy}
        />
        {assigned !== undefined && <PasswordField id="gateways-password" value={password} onValue={setPassword} />}
        <ErrorText text={error} />
        <Notice text={message} testId="gateways-saved" />
        <div class="button-row">
          <button type="button" onClick={onClose}>
            {t.common.close}
          </button>
          {assigned !== undefined && (
            <button type="submit" class="primary" disabled={busy} data-testid="save-gateways">
              {saveWords(choice, busy)}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}

// Taking a device off every gateway says so on the button too, not only in
// the warning above it.
export function saveWords(choice: GatewayChoice, busy: boolean): string {
  const m = t.gateways;
  if (busy) return m.saving;
  return choice.mode === 'none' ? m.saveNone : m.save;
}

// The dialog's middle, apart so a test can draw it in each state: what
// picketd said (or that it is still asked, or a single box), then the choice.
export function AssignmentView({
  assigned,
  off,
  failed,
  gateways,
  choice,
  onChoice,
  busy,
}: {
  assigned: Assignment | undefined;
  off: string;
  failed: boolean;
  gateways: GatewayEndpoint[];
  choice: GatewayChoice;
  onChoice: (next: GatewayChoice) => void;
  busy: boolean;
}) {
  const m = t.gateways;
  if (off) return <p class="muted">{off}</p>;
  if (assigned === undefined) return failed ? null : <p class="muted">{t.common.loading}</p>;
  return (
    <>
      <p data-testid="gateways-now">{m.current(assignmentWords(assigned))}</p>
      <fieldset disabled={busy}>
        <legend>{m.legendDevice}</legend>
        <GatewayFields idPrefix="placement" gateways={gateways} state={choice} onChange={onChoice} allowNone />
      </fieldset>
      <p class="muted">{m.configHint(t.dialogs.reissue)}</p>
    </>
  );
}
