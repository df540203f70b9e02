// Which gateway hosts serve a device (picketd --role controller): on the add
// form and in the device's Gateways dialog. The screens leave it out on a
// single box, where picketd refuses the choice.
import { t } from '../i18n';
import { gatewayOptions, ticked, type GatewayChoice, type GatewayMode } from '../lib/assigned_gateways';
import type { GatewayEndpoint } from '../lib/client_config';
import { Choices } from './field';

export function GatewayFields({
  idPrefix,
  gateways,
  state,
  onChange,
  allowNone = false,
}: {
  idPrefix: string;
  gateways: GatewayEndpoint[];
  state: GatewayChoice;
  onChange: (next: GatewayChoice) => void;
  // "No gateway" only for a device that exists: a new one would get no config.
  allowNone?: boolean;
}) {
  const g = t.gateways;
  const set = (patch: Partial<GatewayChoice>) => onChange({ ...state, ...patch });
  const modes: [string, string][] = [
    ['every', g.every],
    ['only', g.only],
  ];
  if (allowNone) modes.push(['none', g.none]);
  const hintId = `${idPrefix}-picks-hint`;
  return (
    <>
      <Choices name={`${idPrefix}-mode`} current={state.mode} onPick={(v) => set({ mode: v as GatewayMode })} options={modes} />
      {state.mode === 'only' && (
        <fieldset class="gateway-picks" aria-describedby={hintId}>
          <legend>{g.pick}</legend>
          {gatewayOptions(gateways, state.names).map((o) => (
            <label class="choice" key={o.name}>
              <input
                type="checkbox"
                name={`${idPrefix}-gateway`}
                value={o.name}
                checked={state.names.includes(o.name)}
                onChange={(e) => set({ names: ticked(state.names, o.name, (e.target as HTMLInputElement).checked) })}
              />{' '}
              {o.endpoint === null ? g.notEnrolled(o.name) : g.choice(o.name, o.endpoint)}
            </label>
          ))}
          <small id={hintId} class="hint block">
            {g.pickHint}
          </small>
        </fieldset>
      )}
      {/* Said where the choice is made: the device then connects nowhere. */}
      {state.mode === 'none' && (
        <p class="notice strong" role="status" data-testid="gateways-none-warning">
          {g.noneWarning}
        </p>
      )}
    </>
  );
}
