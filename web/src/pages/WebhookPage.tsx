// One webhook: on/off, its settings, rotate the secret, recover failed deliveries since a time, send a test event,
// and the delivery log with every attempt and a redeliver button; a link to its deliveries in the Temporal Web UI.
import { useEffect, useState } from 'react';
import {
  api,
  ApiError,
  EVENT_TYPES,
  listAll,
  type Delivery,
  type DeliveryDetail,
  type DeliveryStarted,
  type Endpoint,
  type DeliveryState,
  type EventType,
  type Group,
  type Meta,
  type Page,
  type RedeliveryStarted,
  type Webhook,
  type WebhookWithSecret,
} from '../api.ts';
import { RecoverDialog } from '../components/RecoverDialog.tsx';
import { SecretDialog } from '../components/SecretDialog.tsx';
import { Toggle } from '../components/Toggle.tsx';
import { EVENT_LABELS, WebhookForm } from '../components/WebhookForm.tsx';
import { ConfirmDialog, Empty, fullTime, href, navigate, StateBadge, Time, useNow, usePageHeading, usePoll } from '../lib.tsx';

const LOG_REFRESH_MS = 2000;
const IN_FLIGHT: DeliveryState[] = ['pending', 'retrying'];

function temporalUiLink(meta: Meta, webhookId: string): string {
  const query = `VantaWebhookId="${webhookId}"`;
  return `${meta.temporal_ui_url}/namespaces/${encodeURIComponent(meta.temporal_namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function WebhookPage({ id, meta }: { id: string; meta: Meta | null }) {
  const now = useNow();
  const [webhook, setWebhook] = useState<Webhook | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [missing, setMissing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'delete' | 'recover' | null>(null);
  const heading = usePageHeading('Webhook');

  useEffect(() => {
    listAll<Group>('/v1/groups').then(setGroups, () => {});
    api.get<Webhook>(`/v1/webhooks/${encodeURIComponent(id)}`).then(setWebhook, (err) => {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
    });
  }, [id]);

  if (missing) {
    return (
      <Empty title="This webhook does not exist (or was deleted).">
        <a href={href('settings', 'webhooks')}>Back to the webhooks</a>
      </Empty>
    );
  }
  if (!webhook) return <p className="muted">Loading…</p>;
  const path = `/v1/webhooks/${encodeURIComponent(id)}`;

  return (
    <section>
      <p className="crumbs">
        Settings › <a href={href('settings', 'webhooks')}>Webhooks</a> ›
      </p>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1} className="mono break">
          {webhook.url}
        </h1>
        <Toggle
          id="webhook-enabled"
          on={webhook.enabled}
          label="Webhook enabled"
          onChange={async (on) => setWebhook(await api.patch<Webhook>(path, { enabled: on }))}
        />
      </div>
      <p className="muted">
        {webhook.enabled
          ? 'Enabled: new events are delivered.'
          : 'Disabled: new events create no deliveries, and pending retries end as cancelled.'}{' '}
        <span className="mono">{webhook.id}</span>
        {webhook.secret_rotated_at && <> · secret rotated {fullTime(webhook.secret_rotated_at)}</>}
      </p>

      <div className="toolbar">
        {meta?.temporal_ui_url ? (
          <a
            className="button"
            href={temporalUiLink(meta, webhook.id)}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="temporal-link"
          >
            Open deliveries in the Temporal Web UI <span aria-hidden="true">↗</span>
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        ) : (
          <span className="hint">Set VANTA_TEMPORAL_UI_URL to link these deliveries to the Temporal Web UI.</span>
        )}
        <button type="button" onClick={() => setConfirm('rotate')}>
          Rotate secret
        </button>
        <button
          type="button"
          onClick={() => setConfirm('recover')}
          disabled={!webhook.enabled}
          title={webhook.enabled ? 'Send every failed delivery since a time again' : 'Turn the webhook on to recover its deliveries'}
        >
          Recover failed deliveries since…
        </button>
      </div>

      <DeliveryLog webhook={webhook} now={now} />

      <details className="card">
        <summary>
          <h2>Settings</h2>
        </summary>
        <WebhookForm
          idPrefix="edit-wh"
          initial={webhook}
          groups={groups}
          submitLabel="Save settings"
          onSubmit={async (input) => {
            setWebhook(await api.patch<Webhook>(path, input));
          }}
        />
      </details>

      <div className="card danger-zone">
        <h2>Delete</h2>
        <p>Deleting stops all deliveries to this URL, pending retries included. The delivery log is kept.</p>
        <button type="button" className="danger" onClick={() => setConfirm('delete')}>
          Delete webhook
        </button>
      </div>

      {confirm === 'rotate' && (
        <ConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const w = await api.post<WebhookWithSecret>(`${path}/rotate-secret`);
            const { secret: s, ...rest } = w;
            setWebhook(rest);
            setConfirm(null);
            setSecret(s);
          }}
        >
          <p>
            A new secret signs every delivery from now on. The old one keeps signing the <code>webhook-signature</code> header for 24 hours;{' '}
            <code>X-VantaStatus-Signature</code> uses the new secret only. The new secret is shown once.
          </p>
        </ConfirmDialog>
      )}
      {confirm === 'delete' && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete webhook"
          danger
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api.del(path);
            navigate(href('settings', 'webhooks'));
          }}
        >
          <p className="mono break">{webhook.url}</p>
        </ConfirmDialog>
      )}
      {confirm === 'recover' && <RecoverDialog webhookId={webhook.id} onClose={() => setConfirm(null)} />}
      {secret && <SecretDialog secret={secret} rotated onClose={() => setSecret(null)} />}
    </section>
  );
}

function DeliveryLog({ webhook, now }: { webhook: Webhook; now: number }) {
  const [endpointNames, setEndpointNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    listAll<Endpoint>('/v1/endpoints').then(
      (l) => setEndpointNames(new Map(l.map((e) => [e.id, e.name]))),
      () => {},
    );
  }, []);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [older, setOlder] = useState<Delivery[]>([]);
  const [stateFilter, setStateFilter] = useState<'' | DeliveryState>('');
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [testEvent, setTestEvent] = useState<EventType>('endpoint.down');
  const [sent, setSent] = useState<{ kind: 'test' | 'redeliver'; id: string } | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const base = `/v1/webhooks/${encodeURIComponent(webhook.id)}/deliveries?limit=25${stateFilter ? `&state=${stateFilter}` : ''}`;

  const refresh = usePoll(
    async (live) => {
      try {
        const p = await api.get<Page<Delivery>>(base);
        if (!live()) return;
        setDeliveries(p.data);
        if (older.length === 0) setCursor(p.next_cursor);
      } catch {
        /* next poll */
      }
    },
    LOG_REFRESH_MS,
    [base, older.length],
  );
  useEffect(() => setOlder([]), [base]);

  const toggleOpen = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const sendTest = async () => {
    setActionError(null);
    try {
      const r = await api.post<DeliveryStarted>(`/v1/webhooks/${encodeURIComponent(webhook.id)}/test`, { event: testEvent });
      setSent({ kind: 'test', id: r.delivery_id });
      setOpen((s) => new Set(s).add(r.delivery_id));
      refresh();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };
  const redeliver = async (d: Delivery) => {
    setActionError(null);
    try {
      const r = await api.post<RedeliveryStarted>(`/v1/deliveries/${encodeURIComponent(d.id)}/retry`);
      setSent({ kind: 'redeliver', id: r.delivery_id });
      setOpen((s) => new Set(s).add(r.delivery_id));
      refresh();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };
  const loadOlder = async () => {
    if (!cursor) return;
    const p = await api.get<Page<Delivery>>(`${base}&cursor=${encodeURIComponent(cursor)}`);
    setOlder((o) => [...o, ...p.data]);
    setCursor(p.next_cursor);
  };
  const shown = new Set((deliveries ?? []).map((d) => d.id));
  const all = [...(deliveries ?? []), ...older.filter((d) => !shown.has(d.id))];
  const waitingForSent = sent && !all.some((d) => d.id === sent.id);

  return (
    <div className="card" id="delivery-log">
      <h2>Deliveries</h2>
      <div className="toolbar">
        <label>
          Test event{' '}
          <select value={testEvent} onChange={(e) => setTestEvent(e.target.value as EventType)} id="test-event-type">
            {EVENT_TYPES.map((ev) => (
              <option key={ev} value={ev}>
                {EVENT_LABELS[ev]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => void sendTest()}
          disabled={!webhook.enabled}
          aria-describedby={webhook.enabled ? undefined : 'test-disabled-hint'}
        >
          Send test event
        </button>
        {!webhook.enabled && (
          <span className="hint" id="test-disabled-hint">
            Turn the webhook on to send a test event.
          </span>
        )}
        <div className="spacer" />
        <label>
          Show{' '}
          <select value={stateFilter} onChange={(e) => setStateFilter(e.target.value as '' | DeliveryState)} id="delivery-state-filter">
            <option value="">all deliveries</option>
            {(['pending', 'retrying', 'succeeded', 'failed', 'cancelled'] as const).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint" aria-live="polite">
        {sent
          ? waitingForSent
            ? `${sent.kind === 'test' ? 'Test event' : 'Redelivery'} started (${sent.id}); it appears below as soon as the worker picks it up…`
            : `${sent.kind === 'test' ? 'Test event' : 'Redelivery'} ${sent.id} is in the log below.`
          : ''}
      </p>
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}

      {deliveries === null ? (
        <p className="muted">Loading deliveries…</p>
      ) : all.length === 0 ? (
        <Empty title={stateFilter ? `No ${stateFilter} deliveries.` : 'No deliveries yet.'}>
          <p>
            {webhook.enabled
              ? 'Send a test event to check that your receiver answers 2xx; real events appear here as soon as an endpoint changes state.'
              : 'This webhook is off: turn it on, then send a test event.'}
          </p>
        </Empty>
      ) : (
        <table className="data deliveries" data-testid="delivery-log">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last code</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          {all.map((d) => (
            <DeliveryRows
              key={d.id}
              delivery={d}
              endpointName={d.endpoint_id ? endpointNames.get(d.endpoint_id) : undefined}
              now={now}
              open={open.has(d.id)}
              onToggle={() => toggleOpen(d.id)}
              onRedeliver={() => void redeliver(d)}
              canRedeliver={webhook.enabled && !IN_FLIGHT.includes(d.state)}
              webhookOn={webhook.enabled}
            />
          ))}
        </table>
      )}
      {cursor && (
        <button type="button" className="small" onClick={() => void loadOlder()}>
          Load older deliveries
        </button>
      )}
    </div>
  );
}

function DeliveryRows(props: {
  delivery: Delivery;
  endpointName?: string;
  now: number;
  open: boolean;
  onToggle: () => void;
  onRedeliver: () => void;
  canRedeliver: boolean;
  /** a switched-off webhook's retries end as cancelled: no countdown to an attempt that will not happen */
  webhookOn: boolean;
}) {
  const d = props.delivery;
  const [detail, setDetail] = useState<DeliveryDetail | null>(null);
  const detailsId = `attempts-${d.id}`;
  // The attempts of an open delivery, refreshed while it is in flight (and once more when its state changes).
  usePoll(
    async (live) => {
      if (!props.open) return;
      if (detail && detail.state === d.state && detail.attempt_count === d.attempt_count && !IN_FLIGHT.includes(d.state)) return;
      try {
        const x = await api.get<DeliveryDetail>(`/v1/deliveries/${encodeURIComponent(d.id)}`);
        if (live()) setDetail(x);
      } catch {
        /* next poll */
      }
    },
    LOG_REFRESH_MS,
    [props.open, d.state, d.attempt_count],
  );

  return (
    <tbody className="delivery" data-delivery-id={d.id} data-state={d.state}>
      <tr>
        <td data-label="Created">
          <Time iso={d.created_at} now={props.now} />
        </td>
        <td data-label="Event">
          <span className="mono">{d.event_type}</span>
          <span className="sub">
            {d.endpoint_id ? <a href={href('endpoints', d.endpoint_id)}>{props.endpointName ?? d.endpoint_id}</a> : 'test event'}
            {d.sequence > 0 && ` · redelivery #${d.sequence}`}
          </span>
        </td>
        <td data-label="State">
          <StateBadge state={d.state} />
          {d.next_attempt_at && IN_FLIGHT.includes(d.state) && props.webhookOn && (
            <span className="sub">
              next attempt <Time iso={d.next_attempt_at} now={props.now} />
            </span>
          )}
          {IN_FLIGHT.includes(d.state) && !props.webhookOn && <span className="sub">webhook off: no further attempts</span>}
        </td>
        <td data-label="Attempts">{d.attempt_count}</td>
        <td data-label="Last code">
          {d.last_response_code ?? '—'}
          {d.last_error_class && <span className="sub">{d.last_error_class}</span>}
        </td>
        <td data-label="Actions" className="row-actions">
          <div>
            <button type="button" className="small" aria-expanded={props.open} aria-controls={detailsId} onClick={props.onToggle}>
              {props.open ? 'Hide attempts' : 'Show attempts'}
            </button>
            <button
              type="button"
              className="small"
              onClick={props.onRedeliver}
              disabled={!props.canRedeliver}
              title={
                props.canRedeliver
                  ? 'Send the same event again as a new delivery'
                  : 'Available once the delivery has finished and the webhook is on'
              }
            >
              Redeliver
            </button>
          </div>
        </td>
      </tr>
      {props.open && (
        <tr className="attempts-row">
          <td colSpan={6} id={detailsId}>
            {!detail ? (
              <p className="muted">Loading attempts…</p>
            ) : detail.attempts.length === 0 ? (
              <p className="muted">No attempt yet.</p>
            ) : (
              <table className="data attempts" data-testid="attempts">
                <caption className="visually-hidden">Attempts of delivery {d.id}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">Code</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Error class</th>
                    <th scope="col">Response excerpt</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.attempts.map((a) => (
                    <tr key={a.attempt_number} data-attempt={a.attempt_number}>
                      <td data-label="#">{a.attempt_number}</td>
                      <td data-label="Time">
                        <time dateTime={a.started_at}>{fullTime(a.started_at)}</time>
                      </td>
                      <td data-label="Code" data-field="code">
                        {a.response_code ?? '—'}
                      </td>
                      <td data-label="Duration">{a.duration_ms} ms</td>
                      <td data-label="Error class" data-field="error-class">
                        {a.error_class ?? <span className="muted">none</span>}
                        {a.error_message && <span className="sub">{a.error_message}</span>}
                      </td>
                      <td data-label="Response excerpt">
                        <pre className="excerpt">{a.response_excerpt ?? ''}</pre>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {detail && (
              <p className="hint">
                Event <span className="mono">{detail.event_id}</span> · retry schedule {detail.settings.retry_schedule_sec.join(', ')} s ·
                expiry {detail.settings.expiry_sec} s · timeout {detail.settings.timeout_sec} s
              </p>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}
