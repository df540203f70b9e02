// Which gateway hosts serve a device (picketd --role controller): read with
// GET …/assigned-gateways, changed with PUT, and what each host said about
// the change shown as the revoke shows it. No password: which hosts carry
// the device changes nothing about what it may reach (the contract of the
// route; picketd decides, and says so in words if it wants one).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText, seg } from '../api';
import { Dialog } from '../components/dialog';
import { ErrorText, Notice } from '../components/field';
import { GatewayFields } from '../components/gateway_fields';
import { t } from '../i18n';
import { useAction } from '../lib/action';
import {
  assignmentBody,
  assignmentWords,
  changeWords,
  choiceOf,
  EVERY_GATEWAY,
  type Assignment,
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
    const answer = await api<AssignedGatewaysChange>('PUT', path(device), assignmentBody(choice));
    show(answer.assigned_gateways);
    setMessage(changeWords(device.member, device.label, answer));
  });

  const loaded = assigned !== undefined;
  return (
    <Dialog title={m.title(device.member, device.label)} onClose={onClose}>
      <form onSubmit={save} aria-label={m.title(device.member, device.label)}>
        {off ? (
          <p class="muted">{off}</p>
        ) : loaded ? (
          <>
            <p data-testid="gateways-now">{m.current(assignmentWords(assigned))}</p>
            <fieldset disabled={busy}>
              <legend>{m.legendDevice}</legend>
              <GatewayFields idPrefix="placement" gateways={gateways} state={choice} onChange={setChoice} allowNone />
            </fieldset>
            <p class="muted">{m.configHint}</p>
          </>
        ) : (
          !error && <p class="muted">{t.common.loading}</p>
        )}
        <ErrorText text={error} />
        <Notice text={message} testId="gateways-saved" />
        <div class="button-row">
          <button type="button" onClick={onClose}>
            {t.common.close}
          </button>
          {loaded && (
            <button type="submit" class="primary" disabled={busy} data-testid="save-gateways">
              {busy ? m.saving : choice.mode === 'none' ? m.saveNone : m.save}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
