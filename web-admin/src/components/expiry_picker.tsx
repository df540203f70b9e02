// When a device's access ends. Choices in words; "a date" for anything else.
import { useState } from 'preact/hooks';

const CHOICES: [string, string, number][] = [
  ['never', 'Never', 0],
  ['1d', 'In 1 day', 86400],
  ['7d', 'In 7 days', 7 * 86400],
  ['30d', 'In 30 days', 30 * 86400],
  ['90d', 'In 90 days', 90 * 86400],
  ['date', 'On a date…', 0],
];

// null = never expires
export function expiresAt(choice: string, date: string, nowMs = Date.now()): number | null {
  if (choice === 'never') return null;
  if (choice === 'date') {
    const ms = new Date(date).getTime();
    if (!date || Number.isNaN(ms)) throw new Error('Pick the date and time the access should end.');
    if (ms <= nowMs) throw new Error('The end of access must be in the future.');
    return Math.floor(ms / 1000);
  }
  const seconds = CHOICES.find(([key]) => key === choice)?.[2] ?? 0;
  return Math.floor(nowMs / 1000) + seconds;
}

export function useExpiry() {
  const [choice, setChoice] = useState('never');
  const [date, setDate] = useState('');
  return { choice, setChoice, date, setDate, value: () => expiresAt(choice, date) };
}

export function ExpiryPicker({ state, id }: { state: ReturnType<typeof useExpiry>; id: string }) {
  return (
    <div class="field">
      <label for={id}>Access ends</label>
      <select id={id} value={state.choice} onChange={(e) => state.setChoice((e.target as HTMLSelectElement).value)}>
        {CHOICES.map(([key, text]) => (
          <option key={key} value={key}>
            {text}
          </option>
        ))}
      </select>
      {state.choice === 'date' && (
        <>
          <label for={`${id}-date`}>End date and time</label>
          <input
            id={`${id}-date`}
            type="datetime-local"
            value={state.date}
            onInput={(e) => state.setDate((e.target as HTMLInputElement).value)}
          />
        </>
      )}
    </div>
  );
}
