// A labelled input: every control has a visible label (axe, and people).
import type { JSX } from 'preact';

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'label'> & {
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
};

let counter = 0;
const nextId = () => `f${++counter}`;

export function Field({ label, hint, value, onValue, id, ...rest }: InputProps) {
  const inputId = (id as string) ?? nextId();
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input
        id={inputId}
        value={value}
        onInput={(e) => onValue((e.target as HTMLInputElement).value)}
        aria-describedby={hintId}
        {...rest}
      />
      {hint && (
        <small id={hintId} class="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

export function ErrorText({ text }: { text: string }) {
  if (!text) return null;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}
