import { useId, useState } from 'react';

// Form pieces shared by the settings, groups and scopes pages: a lifetime in seconds entered as an
// amount and a unit, and the API's message for one field shown next to it.

const UNITS = [
  { name: 'days', seconds: 86_400 },
  { name: 'hours', seconds: 3_600 },
  { name: 'minutes', seconds: 60 },
  { name: 'seconds', seconds: 1 },
] as const;
type Unit = (typeof UNITS)[number]['name'];

export interface Duration {
  amount: string;
  unit: Unit;
}

/** Seconds as the largest whole unit (86400 → 1 day); empty for none. */
export function durationOf(seconds: number | null | undefined): Duration {
  if (seconds === null || seconds === undefined) return { amount: '', unit: 'days' };
  const unit = UNITS.find((u) => seconds % u.seconds === 0) ?? UNITS[3];
  return { amount: String(seconds / unit.seconds), unit: unit.name };
}

/** Whole seconds (the API takes only those), or null when the amount is empty. */
export function secondsOf(duration: Duration): number | null {
  if (duration.amount.trim() === '') return null;
  const unit = UNITS.find((u) => u.name === duration.unit)!;
  return Math.round(Number(duration.amount) * unit.seconds);
}

/** The API's words for a field, tied to its input by aria-describedby. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** Attributes of an input whose field may carry an API error. */
export function invalidProps(errorId: string, message: string | undefined) {
  return message ? { 'aria-invalid': true as const, 'aria-describedby': errorId } : {};
}

export function DurationField({ label, hint, value, onChange, error, disabled }: {
  label: string;
  hint?: string;
  value: Duration;
  onChange: (value: Duration) => void;
  error?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="duration">
      <label htmlFor={`${id}-amount`} className="duration-label">
        {label}
      </label>
      <div className="duration-inputs">
        <input
          id={`${id}-amount`}
          type="number"
          min="0"
          step="any"
          inputMode="decimal"
          value={value.amount}
          disabled={disabled}
          onChange={(event) => onChange({ ...value, amount: event.target.value })}
          {...(error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error ${id}-hint` } : { 'aria-describedby': `${id}-hint` })}
        />
        <select aria-label={`${label}: unit`} value={value.unit} disabled={disabled} onChange={(event) => onChange({ ...value, unit: event.target.value as Unit })}>
          {UNITS.map((u) => (
            <option key={u.name} value={u.name}>
              {u.name}
            </option>
          ))}
        </select>
      </div>
      <span id={`${id}-hint`} className="muted hint">
        {hint}
      </span>
      <FieldMessage id={`${id}-error`} message={error} />
    </div>
  );
}

/** Form state for a duration input. */
export function useDuration(seconds: number | null | undefined) {
  return useState<Duration>(() => durationOf(seconds));
}

/** "30 days", "1 hour", or the fallback for none. */
export function formatSeconds(seconds: number | null | undefined, none = '—'): string {
  if (seconds === null || seconds === undefined) return none;
  const { amount, unit } = durationOf(seconds);
  return `${amount} ${amount === '1' ? unit.slice(0, -1) : unit}`;
}
