// Small shared pieces: hash routing, polling, formatting, form errors, and the few components every page uses.
import { useCallback, useEffect, useId, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { ApiError, type DeliveryState } from './api.ts';

// ---- routing: the hash, so the server only ever serves / and a reload keeps the page -------------------------

export interface Route {
  parts: string[];
  query: URLSearchParams;
}

function parseHash(): Route {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseHash);
  useEffect(() => {
    const on = () => setRoute(parseHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
export function navigate(to: string): void {
  location.hash = to.replace(/^#/, '');
}

// ---- polling ------------------------------------------------------------------------------------------------

/**
 * Runs `fn` now and every `ms` while the tab is visible, never two at once. `fn` gets a `live()` check so an
 * answer that arrives after the page moved on is dropped. Returns `refresh` to run it again at once.
 */
export function usePoll(fn: (live: () => boolean) => Promise<void>, ms: number, deps: unknown[]): () => void {
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const running = useRef(false);
  const alive = useRef(true);
  const tick = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    try {
      await fnRef.current(() => alive.current);
    } finally {
      running.current = false;
    }
  }, []);
  useEffect(() => {
    alive.current = true;
    void tick();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void tick();
    }, ms);
    const onVisible = () => document.visibilityState === 'visible' && void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive.current = false;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return () => void tick();
}

/** Re-renders every `ms` so relative times ("12 s ago") stay true between polls. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

// ---- formatting ---------------------------------------------------------------------------------------------

function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < -1) return `in ${humanSeconds(-s)}`;
  if (s < 2) return 'just now';
  return `${humanSeconds(s)} ago`;
}

export function humanSeconds(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  if (s < 86400) return s % 3600 ? `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min` : `${s / 3600} h`;
  return s % 86400 ? `${Math.floor(s / 86400)} d ${Math.round((s % 86400) / 3600)} h` : `${s / 86400} d`;
}

export const fullTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function Time({ iso, now }: { iso: string | null | undefined; now: number }) {
  if (!iso) return <span className="muted">never</span>;
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {ago(iso, now)}
    </time>
  );
}

/** When the next check runs. A time already past means the check is due now (the loop is about to run it), not "ago". */
export function NextCheck({ iso, now }: { iso: string | null | undefined; now: number }) {
  if (!iso) return <span className="muted">not scheduled</span>;
  return (
    <time dateTime={iso} title={fullTime(iso)}>
      {Date.parse(iso) - now < 1000 ? 'due now' : ago(iso, now)}
    </time>
  );
}

/** A form's text as a number when it is one; otherwise the text itself, so the API names the field it refuses. */
export const toNum = (s: string): number | string => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : s);

export const listToText = (l: (string | number)[]) => l.join(', ');
/** "60, 300, 900" → [60, 300, 900]; anything that is not a number is kept, so the API names the bad entry. */
export function textToNumbers(s: string): (number | string)[] {
  return s
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((x) => (/^-?\d+$/.test(x) ? Number(x) : x));
}

// ---- form errors: the API names the field, the form shows the message beside it -------------------------------

export interface FormErrors {
  fields: Record<string, string>;
  general: string | null;
}
export const noErrors: FormErrors = { fields: {}, general: null };

/**
 * Maps an API error onto a form's fields. `fields` are the API's field names the form shows (e.g. `url`,
 * `events`, `settings.expiry_sec`); an issue about `headers.Host` or `retry_schedule_sec.2` goes to `headers` or
 * `retry_schedule_sec`. Anything no field claims is the form's general error.
 */
export function toFormErrors(err: unknown, fields: string[], codeFields: Record<string, string> = {}): FormErrors {
  if (!(err instanceof ApiError)) return { fields: {}, general: err instanceof Error ? err.message : String(err) };
  // an error that is about one field without saying so in details (e.g. 409 group_name_taken is about the name)
  const owner = codeFields[err.code];
  if (owner && err.fieldIssues.length === 0) return { fields: { [owner]: err.message }, general: null };
  const out: FormErrors = { fields: {}, general: null };
  const unclaimed: string[] = [];
  for (const issue of err.fieldIssues) {
    const f = fields.filter((name) => issue.field === name || issue.field.startsWith(`${name}.`)).sort((a, b) => b.length - a.length)[0];
    if (!f) {
      unclaimed.push(`${issue.field}: ${issue.message}`);
      continue;
    }
    const rest = issue.field.slice(f.length + 1);
    const message = rest && /^\d+$/.test(rest) ? `entry ${Number(rest) + 1}: ${issue.message}` : issue.message;
    out.fields[f] ??= message;
  }
  if (unclaimed.length) out.general = unclaimed.join('; ');
  else if (err.fieldIssues.length === 0) out.general = err.message;
  return out;
}

/** Props tying an input to its hint and error, so a screen reader reads the error with the field. */
export function describedBy(id: string, error?: string, hint?: ReactNode) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}

export function Field(props: { id: string; label: ReactNode; error?: string; hint?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <div className={`field ${props.className ?? ''} ${props.error ? 'has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** For a group of checkboxes or radios: a fieldset whose legend names it, with its error beside it. */
export function FieldSet(props: { id: string; legend: ReactNode; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <fieldset
      className={`field ${props.error ? 'has-error' : ''}`}
      id={props.id}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
    >
      <legend>{props.legend}</legend>
      {props.hint && <p className="hint">{props.hint}</p>}
      {props.children}
      {props.error && (
        <p className="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

export function GeneralError({ errors }: { errors: FormErrors }) {
  if (!errors.general) return null;
  return (
    <p className="form-error" role="alert">
      {errors.general}
    </p>
  );
}

// ---- status and delivery badges: a colour, a shape and a word ------------------------------------------------

// StatusBadge has its own file, so the public status page can use it without loading the console's code.
export { StatusBadge } from './StatusBadge.tsx';

const STATE_GLYPH: Record<DeliveryState, string> = { pending: '…', retrying: '↻', succeeded: '✔', failed: '✖', cancelled: '⊘' };

export function StateBadge({ state }: { state: DeliveryState }) {
  return (
    <span className={`badge state-${state}`} data-state={state}>
      <span aria-hidden="true" className="glyph">
        {STATE_GLYPH[state]}
      </span>
      {state}
    </span>
  );
}

// ---- dialogs ------------------------------------------------------------------------------------------------

/**
 * A modal <dialog>: the browser traps focus in it, Escape closes it, and focus returns where it was. With `canClose`,
 * every way of closing it but its own buttons (Escape, the ✕, a click on the backdrop) asks first; false keeps it open.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  closeLabel?: string;
  canClose?: () => boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(props.onClose);
  onCloseRef.current = props.onClose;
  const canCloseRef = useRef(props.canClose);
  canCloseRef.current = props.canClose;
  const requestClose = () => {
    if (canCloseRef.current?.() !== false) ref.current?.close();
  };
  useEffect(() => {
    const d = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (d && !d.open) d.showModal();
    const onClose = () => onCloseRef.current();
    const onCancel = (e: Event) => {
      if (canCloseRef.current?.() === false) e.preventDefault();
    };
    d?.addEventListener('close', onClose);
    d?.addEventListener('cancel', onCancel);
    return () => {
      d?.removeEventListener('close', onClose);
      d?.removeEventListener('cancel', onCancel);
      if (d?.open) d.close();
      before?.focus?.();
    };
  }, []);
  // A click on the backdrop lands on the <dialog> itself, outside its box.
  const onBackdrop = (e: MouseEvent<HTMLDialogElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const outside = e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom;
    if (e.target === e.currentTarget && outside) requestClose();
  };
  return (
    <dialog
      ref={ref}
      className={`dialog ${props.className ?? ''}`}
      aria-labelledby={titleId}
      onClick={props.canClose ? onBackdrop : undefined}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label={props.closeLabel ?? 'Close'} onClick={requestClose}>
          ✕
        </button>
      </div>
      {props.children}
    </dialog>
  );
}

/** Copies `text` to the clipboard; where the clipboard is refused, `onRefused` can select it for Ctrl+C instead. */
export function useCopy(text: string, onRefused?: () => void) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      onRefused?.();
      setCopied('failed');
    }
  };
  const fallback = onRefused ? 'it is selected, press Ctrl+C (⌘C)' : 'select the text and press Ctrl+C (⌘C)';
  const message =
    copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? `The clipboard is not available here: ${fallback}.` : '';
  return { copy, copied, message };
}

/** A Copy button with its spoken result beside it. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const { copy, message } = useCopy(text);
  return (
    <span className="copy">
      <button type="button" className="small" onClick={() => void copy()}>
        {label}
      </button>
      <span className="hint" aria-live="polite">
        {message}
      </span>
    </span>
  );
}

/** A form's closing row: anything the form says there first, then Cancel (when it can be cancelled) and submit. */
export function FormActions(props: { submitLabel: string; busy: boolean; onCancel?: () => void; children?: ReactNode }) {
  return (
    <div className="actions">
      {props.children}
      {props.onCancel && (
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      )}
      <button type="submit" className="primary" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </div>
  );
}

export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      {props.children}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={props.danger ? 'danger' : 'primary'}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await props.onConfirm();
            } catch (err) {
              setError(err instanceof Error ? err.message : String(err));
              setBusy(false);
            }
          }}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

// ---- custom headers editor ----------------------------------------------------------------------------------

export type HeaderRow = { name: string; value: string };
export const headersToRows = (h: Record<string, string>): HeaderRow[] => Object.entries(h).map(([name, value]) => ({ name, value }));
export const rowsToHeaders = (rows: HeaderRow[]): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.name.trim() !== '').map((r) => [r.name.trim(), r.value]));

export function HeadersEditor(props: {
  id: string;
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  error?: string;
  hint?: ReactNode;
}) {
  const { id, rows, onChange } = props;
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <FieldSet id={id} legend="Custom headers" error={props.error} hint={props.hint}>
      {rows.length === 0 && <p className="muted">No custom headers.</p>}
      {rows.map((r, i) => (
        <div className="header-row" key={i}>
          <input aria-label={`Header ${i + 1} name`} placeholder="Name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} />
          <input
            aria-label={`Header ${i + 1} value`}
            placeholder="Value"
            value={r.value}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove header ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="small" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        Add header
      </button>
    </FieldSet>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Sets the tab title and moves focus to the page heading when a page opens (keyboard and screen-reader users). */
export function usePageHeading(title: string, focus = true) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · VantaStatus`;
  }, [title]);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return ref;
}
