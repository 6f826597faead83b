// "Recover failed deliveries since…": POST /v1/webhooks/:id/recover from a date-time, then its answer ("N started,
// more remain") and, while more remain, a button that goes on from the answer's cursor.
import { useState, type FormEvent } from 'react';
import { api, type RecoverResult } from '../api.ts';
import { describedBy, Dialog, Field, noErrors, toFormErrors, type FormErrors } from '../lib.tsx';

/** A moment as a datetime-local value: the browser's local time, to the minute. */
function localInputValue(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function summary(r: RecoverResult): string {
  const parts = [`${r.started} started`];
  if (r.skipped_in_flight > 0) parts.push(`${r.skipped_in_flight} already in flight`);
  parts.push(r.more ? 'more remain' : 'none left in this range');
  return parts.join(', ');
}

export function RecoverDialog({ webhookId, onClose }: { webhookId: string; onClose: () => void }) {
  const [since, setSince] = useState(() => localInputValue(Date.now() - 24 * 3600_000));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [result, setResult] = useState<RecoverResult | null>(null);
  const [total, setTotal] = useState(0);

  const run = async (cursor: string | null) => {
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) {
      setErrors({ fields: { since: 'Enter a date and time.' }, general: null });
      return;
    }
    setBusy(true);
    setErrors(noErrors);
    try {
      const r = await api.post<RecoverResult>(`/v1/webhooks/${encodeURIComponent(webhookId)}/recover`, {
        since: at.toISOString(),
        ...(cursor !== null && { cursor }),
      });
      setResult(r);
      setTotal((t) => (cursor === null ? r.started : t + r.started));
    } catch (err) {
      setErrors(toFormErrors(err, ['since']));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(null);
  };

  return (
    <Dialog title="Recover failed deliveries" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>
          Every delivery to this webhook that ended <strong>failed</strong> since this time is sent again, oldest first, with the same event
          id, as a new delivery in the log below. A delivery still retrying is left alone, so nothing is sent twice. Up to 500 a time.
        </p>
        <Field id="recover-since" label="Failed since (your local time)" error={errors.fields.since}>
          <input
            type="datetime-local"
            value={since}
            onChange={(e) => setSince(e.target.value)}
            required
            {...describedBy('recover-since', errors.fields.since)}
          />
        </Field>
        {errors.general && (
          <p className="form-error" role="alert">
            {errors.general}
          </p>
        )}
        <p className="hint" aria-live="polite" data-testid="recover-result">
          {result ? `${summary(result)}${total !== result.started ? ` (${total} started in all)` : ''}.` : ''}
        </p>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Done
          </button>
          {result?.more && result.next_cursor ? (
            <button type="button" className="primary" disabled={busy} onClick={() => void run(result.next_cursor)}>
              Recover the next 500
            </button>
          ) : (
            <button type="submit" className="primary" disabled={busy}>
              Recover
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
