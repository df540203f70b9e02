// What a device may reach through the gateway: used when adding a device and
// in its Manage dialog. The gateway's firewall enforces it, not the member's
// config (which the member controls).
import { Choices, TextArea, VerbatimField } from './field';
import type { AccessMode } from '../lib/forms';

export interface AccessState {
  mode: AccessMode;
  networks: string;
  group: string;
}

const MODES: [AccessMode, string][] = [
  ['anywhere', 'No restriction (the internet; other members only if isolation is off or they share a group)'],
  ['only', 'Only some networks'],
  ['gateway', "Nothing but the gateway's DNS"],
];

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
      <Choices name={`${idPrefix}-mode`} current={state.mode} onPick={(v) => set({ mode: v as AccessMode })} options={MODES} />
      {state.mode === 'only' && (
        <TextArea
          id={`${idPrefix}-networks`}
          label="Networks it may reach, one per line"
          value={state.networks}
          onValue={(networks) => set({ networks })}
          placeholder="10.20.0.0/16"
        />
      )}
      <VerbatimField
        id={`${idPrefix}-group`}
        label="Group (optional)"
        value={state.group}
        onValue={(group) => set({ group })}
        hint="Devices in the same group reach each other even when members are isolated."
      />
    </>
  );
}
