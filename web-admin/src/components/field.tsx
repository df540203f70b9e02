// Labelled inputs: every control has a visible label (axe, and people).
import type { ComponentChildren, JSX } from 'preact';

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'label'> & {
  label: string;
  hint?: string;
  // What is wrong with the value, in words, shown next to the field as the
  // admin types (and the field marked aria-invalid).
  problem?: string | null;
  value: string;
  onValue: (value: string) => void;
};

let counter = 0;
const nextId = () => `f${++counter}`;
const describedBy = (id: string, hint?: string, problem?: string | null) =>
  [problem ? `${id}-problem` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
const valueOf = (e: Event) => (e.target as HTMLInputElement | HTMLTextAreaElement).value;

// The label above the control and the hint below it, which the control names
// in aria-describedby, with any problem, so a screen reader reads it too.
function Labelled({
  id,
  label,
  hint,
  problem,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  problem?: string | null;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {problem && (
        <small id={`${id}-problem`} class="field-problem">
          {problem}
        </small>
      )}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function Field({ label, hint, problem, value, onValue, id, ...rest }: InputProps) {
  const inputId = (id as string) ?? nextId();
  return (
    <Labelled id={inputId} label={label} hint={hint} problem={problem}>
      <input
        id={inputId}
        value={value}
        onInput={(e) => onValue(valueOf(e))}
        aria-describedby={describedBy(inputId, hint, problem)}
        aria-invalid={problem ? 'true' : undefined}
        {...rest}
      />
    </Labelled>
  );
}

// Names, tokens and typed confirmations: the browser neither suggests nor corrects them.
export const VerbatimField = (props: InputProps) => <Field autocomplete="off" spellcheck={false} {...props} />;

// A labelled multi-line input (lists: networks, servers, file paths).
export function TextArea({
  label,
  hint,
  value,
  onValue,
  id,
  rows = 3,
  placeholder,
  problem,
}: {
  label: string;
  hint?: string;
  problem?: string | null;
  value: string;
  onValue: (value: string) => void;
  id?: string;
  rows?: number;
  placeholder?: string;
}) {
  const areaId = id ?? nextId();
  return (
    <Labelled id={areaId} label={label} hint={hint} problem={problem}>
      <textarea
        id={areaId}
        rows={rows}
        value={value}
        placeholder={placeholder}
        spellcheck={false}
        aria-describedby={describedBy(areaId, hint, problem)}
        aria-invalid={problem ? 'true' : undefined}
        onInput={(e) => onValue(valueOf(e))}
      />
    </Labelled>
  );
}

// The label is for screen readers only: the placeholder shows the same words.
export function SearchField({
  id,
  label,
  value,
  onValue,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <>
      <label for={id} class="visually-hidden">
        {label}
      </label>
      <input id={id} type="search" placeholder={label} value={value} onInput={(e) => onValue(valueOf(e))} />
    </>
  );
}

// Radio buttons, each with its words as the label: options are [value, words].
export function Choices({
  name,
  current,
  onPick,
  options,
}: {
  name: string;
  current: string;
  onPick: (value: string) => void;
  options: [string, string][];
}) {
  return (
    <>
      {options.map(([value, words]) => (
        <label class="choice" key={value}>
          <input type="radio" name={name} value={value} checked={current === value} onChange={() => onPick(value)} />{' '}
          {words}
        </label>
      ))}
    </>
  );
}

// A line that is there only while it has something to say.
function Line({ text, role, kind, testId }: { text: string; role: 'alert' | 'status'; kind: string; testId?: string }) {
  if (!text) return null;
  return (
    <p class={kind} role={role} data-testid={testId}>
      {text}
    </p>
  );
}

export const ErrorText = ({ text }: { text: string }) => <Line text={text} role="alert" kind="error" />;
export const Notice = ({ text, testId }: { text: string; testId?: string }) => (
  <Line text={text} role="status" kind="notice" testId={testId} />
);

// A form's end: why it failed, then the button that sends it, off while it runs.
export function Submit({ error, busy, children }: { error: string; busy: boolean; children: ComponentChildren }) {
  return (
    <>
      <ErrorText text={error} />
      <button type="submit" class="primary" disabled={busy}>
        {children}
      </button>
    </>
  );
}
