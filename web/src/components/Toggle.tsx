// An on/off switch that says its state in words, not only by its look.
import { useState } from 'react';

export function Toggle(props: { on: boolean; label: string; onChange: (on: boolean) => Promise<void>; id?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="toggle-wrap">
      <button
        type="button"
        role="switch"
        id={props.id}
        aria-checked={props.on}
        aria-label={props.label}
        className={`toggle ${props.on ? 'on' : 'off'}`}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await props.onChange(!props.on);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <span className="knob" aria-hidden="true" />
        <span className="toggle-text">{props.on ? 'On' : 'Off'}</span>
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
