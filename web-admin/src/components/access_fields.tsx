// What a device may reach through the gateway: used when adding a device and
// in its Manage dialog. The gateway's firewall enforces it, not the member's
// config (which the member controls).
import { Choice, Field, TextArea } from './field';
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
  const pick = (v: string) => set({ mode: v as AccessMode });
  return (
    <>
      <Choice name={`${idPrefix}-mode`} value="anywhere" current={state.mode} onPick={pick}>
        No restriction (the internet; other members only if isolation is off or they share a group)
      </Choice>
      <Choice name={`${idPrefix}-mode`} value="only" current={state.mode} onPick={pick}>
        Only some networks
      </Choice>
      <Choice name={`${idPrefix}-mode`} value="gateway" current={state.mode} onPick={pick}>
        Nothing but the gateway's DNS
      </Choice>
      {state.mode === 'only' && (
        <TextArea
          id={`${idPrefix}-networks`}
          label="Networks it may reach, one per line"
          value={state.networks}
          onValue={(networks) => set({ networks })}
          placeholder="10.20.0.0/16"
        />
      )}
      <Field
        id={`${idPrefix}-group`}
        label="Group (optional)"
        value={state.group}
        onValue={(group) => set({ group })}
        autocomplete="off"
        spellcheck={false}
        hint="Devices in the same group reach each other even when members are isolated."
      />
    </>
  );
}
