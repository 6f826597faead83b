// Paste the API key once: it is checked against the API, then kept in this tab's session storage only (other tabs of
// the console ask for it over key-share.ts).
import { useState, type FormEvent } from 'react';
import { ApiError, request, storeKey } from '../api.ts';
import { describedBy, Field, usePageHeading } from '../lib.tsx';

export function Login({ onKey, notice }: { onKey: (key: string) => void; notice: string | null }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const heading = usePageHeading('Connect', false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = value.trim();
    if (!key) return setError('Paste the API key (it starts with vsk_).');
    setBusy(true);
    setError(undefined);
    try {
      await request('GET', '/v1/account', undefined, key);
      storeKey(key);
      setValue('');
      onKey(key);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The API refused this key. Check that you pasted the whole key (vsk_…) and that it has not been revoked.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <div className="card login-card">
        <h1 ref={heading} tabIndex={-1}>
          <span aria-hidden="true" className="brand-mark" /> VantaStatus console
        </h1>
        {notice && (
          <p className="form-error" role="alert">
            {notice}
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <Field
            id="api-key"
            label="API key"
            error={error}
            hint={
              <>
                Paste the key that <code>npm start</code> printed on first start (or one from <code>POST /v1/account/api-keys</code>). It is
                kept in the session storage of this browser's console tabs only (never on disk), sent only in the Authorization header, and
                forgotten when the last tab closes or any tab forgets it.
              </>
            }
          >
            <input
              {...describedBy('api-key', error, true)}
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="vsk_…"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              autoFocus
            />
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Checking…' : 'Connect'}
          </button>
        </form>
      </div>
    </main>
  );
}
