// Settings → API keys: create one with a name (shown once, with copy), list them by prefix and last use, revoke.
// The key this console is using is marked, and revoking it warns first and then signs every tab out.
import { useState, type FormEvent } from 'react';
import { api, listAll, storedKey, type ApiKey, type ApiKeyWithSecret } from '../api.ts';
import { ShownOnceDialog } from '../components/SecretDialog.tsx';
import { forgetEverywhere } from '../key-share.ts';
import {
  ConfirmDialog,
  describedBy,
  Field,
  fullTime,
  GeneralError,
  noErrors,
  Time,
  toFormErrors,
  useNow,
  usePageHeading,
  usePoll,
  type FormErrors,
} from '../lib.tsx';

/** The console knows its key, the list only prefixes: the key that starts with a listed prefix is this console's. */
const isThisConsole = (k: ApiKey) => storedKey()?.startsWith(k.prefix) ?? false;

export function ApiKeys() {
  const heading = usePageHeading('API keys');
  const now = useNow(15_000);
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [created, setCreated] = useState<ApiKeyWithSecret | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const reload = usePoll(
    async (live) => {
      const k = await listAll<ApiKey>('/v1/account/api-keys');
      if (live()) setKeys(k);
    },
    60_000,
    [],
  );

  return (
    <section>
      <p className="crumbs">Settings ›</p>
      <h1 ref={heading} tabIndex={-1}>
        API keys
      </h1>
      <NewKey
        onCreated={(k) => {
          setCreated(k);
          reload();
        }}
      />
      <div className="card">
        <h2>Keys of this account</h2>
        <p className="hint">
          VantaStatus keeps only a hash of each key: a key is listed by its first characters. The last use is to the minute. Revoked keys
          get 401 from then on; the account's last key cannot be revoked.
        </p>
        {!keys ? (
          <p className="muted">Loading…</p>
        ) : (
          <table className="data" data-testid="api-keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <td data-label="Name">
                    {k.name}{' '}
                    {isThisConsole(k) && (
                      <span className="badge" data-this-console>
                        this console
                      </span>
                    )}
                  </td>
                  <td data-label="Key" className="mono">
                    {k.prefix}…
                  </td>
                  <td data-label="Created">
                    <time dateTime={k.created_at}>{fullTime(k.created_at)}</time>
                  </td>
                  <td data-label="Last used">
                    <Time iso={k.last_used_at} now={now} />
                  </td>
                  <td>
                    <button type="button" className="danger small" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.name}`}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {created && (
        <ShownOnceDialog title={`API key ${created.name}`} label="API key" secret={created.key} onClose={() => setCreated(null)}>
          <strong>Copy this key now. It is shown only once</strong> and cannot be retrieved later: VantaStatus stores only its hash. If you
          lose it, create another and revoke this one.
        </ShownOnceDialog>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke key ${revoking.name}?`}
          confirmLabel="Revoke key"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            const mine = isThisConsole(revoking);
            await api.del(`/v1/account/api-keys/${encodeURIComponent(revoking.id)}`);
            setRevoking(null);
            if (mine) forgetEverywhere('revoked');
            else reload();
          }}
        >
          <p>Every script or service that uses it gets 401 from then on. This cannot be undone.</p>
          {isThisConsole(revoking) && (
            <p className="warning" role="note" data-testid="revoke-own-key">
              <strong>This is the key this console is using.</strong> Revoking it signs out every tab of this console; you will need another
              key to sign in again.
            </p>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

function NewKey({ onCreated }: { onCreated: (k: ApiKeyWithSecret) => void }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const k = await api.post<ApiKeyWithSecret>('/v1/account/api-keys', { name });
      setName('');
      setErrors(noErrors);
      onCreated(k);
    } catch (err) {
      setErrors(toFormErrors(err, ['name']));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="new-key-title">
      <h2 id="new-key-title">Create a key</h2>
      <GeneralError errors={errors} />
      <div className="row end">
        <Field id="new-key-name" label="Name" error={errors.fields.name} hint="Say what uses it, e.g. deploy pipeline, Grafana.">
          <input
            {...describedBy('new-key-name', errors.fields.name, true)}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. deploy pipeline"
          />
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          Create key
        </button>
      </div>
    </form>
  );
}
