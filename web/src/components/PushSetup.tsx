// A push endpoint's set-up: where its results go (the account's incoming URL), a curl command and a crontab line
// that send one, and rotating the incoming token. The token is stored hashed and answered only by a rotation, so
// the URL shows a placeholder until this page rotates it; then the new token fills the examples for this view.
import { useState } from 'react';
import { api, type Endpoint, type IncomingTokenRotated } from '../api.ts';
import { ConfirmDialog, CopyButton, humanSeconds } from '../lib.tsx';
import { ShownOnceDialog } from './SecretDialog.tsx';

const TOKEN_PLACEHOLDER = '<INCOMING_TOKEN>';

/** The server's default: no heartbeat_timeout_sec means twice the interval (SPEC §3). */
const heartbeatTimeoutSec = (e: Pick<Endpoint, 'heartbeat_timeout_sec' | 'check_interval_sec'>) =>
  e.heartbeat_timeout_sec ?? e.check_interval_sec * 2;

/**
 * A cron schedule that reports at least twice per heartbeat timeout, so one late or lost run is not yet a failure.
 * Cron steps restart at the hour (or day), which only shortens the gap there.
 */
function cronSchedule(timeoutSec: number): { schedule: string; everySec: number } {
  const minutes = Math.max(1, Math.floor(timeoutSec / 2 / 60));
  if (minutes < 60) return { schedule: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`, everySec: minutes * 60 };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { schedule: hours === 1 ? '0 * * * *' : `0 */${hours} * * *`, everySec: hours * 3600 };
  return { schedule: '0 0 * * *', everySec: 86400 };
}

function pushExamples(origin: string, token: string | null, endpointId: string, timeoutSec: number) {
  const url = `${origin}/v1/incoming/${token ?? TOKEN_PLACEHOLDER}`;
  const body = JSON.stringify({ endpoint_id: endpointId, status: 'up' });
  const command = `curl -fsS -m 10 -X POST -H 'Content-Type: application/json' -d '${body}' '${url}'`;
  const cron = cronSchedule(timeoutSec);
  return { url, command, cron: { ...cron, line: `${cron.schedule} ${command} >/dev/null` } };
}

export function PushSetup({ endpoint }: { endpoint: Endpoint }) {
  const [token, setToken] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const timeout = heartbeatTimeoutSec(endpoint);
  const ex = pushExamples(location.origin, token, endpoint.id, timeout);

  return (
    <div className="card stack push-setup" data-testid="push-setup">
      <h2>Push set-up</h2>
      <p className="hint">
        VantaStatus never checks this endpoint: your job reports its result with a POST to the account's incoming URL. No result within{' '}
        {humanSeconds(timeout)} (the heartbeat timeout) counts as a failure.
      </p>
      <h3>Incoming URL</h3>
      <div className="secret-row">
        <code className="mono code-block" data-testid="push-url">
          {ex.url}
        </code>
        <CopyButton text={ex.url} />
      </div>
      {!token && (
        <p className="hint" data-testid="token-placeholder">
          <span className="mono">{TOKEN_PLACEHOLDER}</span> is the account's incoming token. It is shown once, when created or rotated:
          VantaStatus keeps only its hash. Lost it? Rotate it below.
        </p>
      )}
      <h3>Send a result with curl</h3>
      <pre className="code-block" data-testid="push-curl">
        {ex.command}
      </pre>
      <CopyButton text={ex.command} label="Copy curl command" />
      <p className="hint">
        <span className="mono">status</span> is <span className="mono">up</span>, <span className="mono">down</span> or{' '}
        <span className="mono">degraded</span>; optional fields: <span className="mono">response_time_ms</span>,{' '}
        <span className="mono">response_code</span>, <span className="mono">message</span>, <span className="mono">checked_at</span> (ISO
        8601). The API answers 202 once the result is taken.
      </p>
      <h3>Run it from cron</h3>
      <pre className="code-block" data-testid="push-cron">
        {ex.cron.line}
      </pre>
      <CopyButton text={ex.cron.line} label="Copy crontab line" />
      <p className="hint">
        Every {humanSeconds(ex.cron.everySec)}: at most half the heartbeat timeout ({humanSeconds(timeout)}), so one late run is not a
        failure. Add it with <span className="mono">crontab -e</span>.
      </p>
      <div className="actions">
        <button type="button" onClick={() => setConfirming(true)}>
          Rotate token
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Rotate the incoming token?"
          confirmLabel="Rotate token"
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const r = await api.post<IncomingTokenRotated>('/v1/account/incoming-token/rotate');
            setConfirming(false);
            setToken(r.incoming_token);
            setShown(r.incoming_token);
          }}
        >
          <p data-testid="rotate-warning">
            The token is the account's, not this endpoint's: <strong>every existing sender stops working</strong> (its results get 404)
            until it is updated with the new token, for all push endpoints and incoming results of this account.
          </p>
        </ConfirmDialog>
      )}
      {shown && (
        <ShownOnceDialog title="New incoming token" label="Incoming token" secret={shown} onClose={() => setShown(null)}>
          <strong>Copy this token now. It is shown only once</strong> and cannot be retrieved later: VantaStatus stores only its hash. It is
          filled into the URL and the examples on this page until you leave it.
        </ShownOnceDialog>
      )}
    </div>
  );
}
