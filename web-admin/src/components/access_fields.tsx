// What a device may reach through the gateway: used when adding a device and
// in its Manage dialog. The gateway's firewall enforces it, not the member's
// config (which the member controls).
import { t } from '../i18n';
import { Choices, TextArea, VerbatimField } from './field';
import type { AccessMode } from '../lib/forms';

export interface AccessState {
  mode: AccessMode;
  networks: string;
  group: string;
}


export function AccessFields({
  idPrefix,
  state,
  onChange,
}: {
  idPrefix: string;
  state: AccessState;
  onChange: (next: AccessState) => void;
}) {
  const set = (patch: Partial<AccessState>) => onChange({ ...state, ...patch });
  return (
    <>
      <Choices
        name={`${idPrefix}-mode`}
        current={state.mode}
        onPick={(v) => set({ mode: v as AccessMode })}
        options={[
          ['anywhere', t.access.anywhere],
          ['only', t.access.only],
          ['gateway', t.access.gateway],
        ]}
      />
      {state.mode === 'only' && (
        <TextArea
          id={`${idPrefix}-networks`}
          label={t.access.networks}
          value={state.networks}
          onValue={(networks) => set({ networks })}
          placeholder="10.20.0.0/16"
        />
      )}
      <VerbatimField
        id={`${idPrefix}-group`}
        label={t.access.group}
        value={state.group}
        onValue={(group) => set({ group })}
        hint={t.access.groupHint}
      />
    </>
  );
}
