// One endpoint: live status, pause/resume, editable settings and the event log.
import { useEffect, useState, type FormEvent } from 'react';
import {
  api,
  ApiError,
  type BulkStatus,
  listAll,
  type Endpoint,
  type EndpointEvent,
  type Group,
  type MaintenanceWindow,
  type Page,
  type StatusEntry,
} from '../api.ts';
import {
  ConfirmDialog,
  describedBy,
  Empty,
  Field,
  fullTime,
  GeneralError,
  headersToRows,
  HeadersEditor,
  href,
  listToText,
  navigate,
  noErrors,
  rowsToHeaders,
  StatusBadge,
  textToNumbers,
  NextCheck,
  Time,
  toFormErrors,
  toNum,
  useNow,
  usePageHeading,
  usePoll,
  type FormErrors,
  type HeaderRow,
} from '../lib.tsx';
import { EndpointWebhooks } from '../components/EndpointWebhooks.tsx';
import { History } from '../components/History.tsx';
import { PushSetup } from '../components/PushSetup.tsx';
import { appliesTo, oneOffState } from '../components/MaintenanceSchedule.tsx';
import {
  assertionErrors,
  AssertionsEditor,
  assertionsToRows,
  rowsToAssertions,
  type AssertionRow,
} from '../components/AssertionsEditor.tsx';
import {
  describeTarget,
  formToTarget,
  hasTarget,
  TARGET_FIELDS,
  TargetFields,
  targetToForm,
  type TargetForm,
} from '../components/TargetFields.tsx';
import { tagsToText, TagsField, textToTags } from '../components/Tags.tsx';
import { WithUnit } from '../components/Unit.tsx';

const REFRESH_MS = 3000;

export function EndpointPage({ id }: { id: string }) {
  const now = useNow();
  const [endpoint, setEndpoint] = useState<Endpoint | null>(null);
  const [status, setStatus] = useState<StatusEntry | null>(null);
  const [events, setEvents] = useState<EndpointEvent[] | null>(null);
  const [older, setOlder] = useState<EndpointEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [windows, setWindows] = useState<MaintenanceWindow[] | null>(null);
  const [missing, setMissing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const heading = usePageHeading(endpoint?.name ?? 'Endpoint');

  useEffect(() => {
    listAll<Group>('/v1/groups').then(setGroups, () => {});
    listAll<MaintenanceWindow>('/v1/maintenance-windows').then(setWindows, () => {});
    api.get<Endpoint>(`/v1/endpoints/${encodeURIComponent(id)}`).then(setEndpoint, (err) => {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
    });
  }, [id]);

  usePoll(
    async (live) => {
      try {
        const [st, ev] = await Promise.all([
          api.get<BulkStatus>(`/v1/endpoints/status?ids=${encodeURIComponent(id)}`),
          api.get<Page<EndpointEvent>>(`/v1/endpoints/${encodeURIComponent(id)}/events?limit=20`),
        ]);
        if (!live()) return;
        setStatus(st.data[0] ?? null);
        setEvents(ev.data);
        if (older.length === 0) setCursor(ev.next_cursor);
      } catch {
        /* the next poll tries again; a 401 sends the app back to the key form */
      }
    },
    REFRESH_MS,
    [id, older.length],
  );

  if (missing) {
    return (
      <Empty title="This endpoint does not exist (or was deleted).">
        <a href={href()}>Back to the status board</a>
      </Empty>
    );
  }
  if (!endpoint) return <p className="muted">Loading…</p>;

  const live = status?.live ?? null;
  const togglePause = async () => {
    setActionError(null);
    try {
      setEndpoint(await api.post<Endpoint>(`/v1/endpoints/${encodeURIComponent(id)}/${endpoint.paused ? 'resume' : 'pause'}`));
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    }
  };
  const loadOlder = async () => {
    if (!cursor) return;
    const p = await api.get<Page<EndpointEvent>>(
      `/v1/endpoints/${encodeURIComponent(id)}/events?limit=20&cursor=${encodeURIComponent(cursor)}`,
    );
    setOlder((o) => [...o, ...p.data]);
    setCursor(p.next_cursor);
  };
  // the windows that cover it, ended one-off windows left out
  const windowsHere = (windows ?? []).filter((w) => appliesTo(w, endpoint) && oneOffState(w, now) !== 'ended');
  const shownIds = new Set((events ?? []).map((e) => e.id));
  const allEvents = [...(events ?? []), ...older.filter((e) => !shownIds.has(e.id))];

  return (
    <section>
      <p className="crumbs">
        <a href={href()}>Status board</a> ›
      </p>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {endpoint.name}
        </h1>
        <StatusBadge
          status={live?.status ?? (status?.error ? null : 'unknown')}
          paused={endpoint.paused}
          failureCount={live?.failure_count}
          failureThreshold={endpoint.failure_threshold}
        />
        <div className="spacer" />
        <button type="button" onClick={() => void togglePause()} aria-pressed={endpoint.paused}>
          {endpoint.paused ? 'Resume checks' : 'Pause checks'}
        </button>
      </div>
      {actionError && (
        <p className="form-error" role="alert">
          {actionError}
        </p>
      )}

      <div className="grid-2">
        <div className="card">
          <h2>Live status</h2>
          {status?.error && <p className="banner error">{status.error.message}</p>}
          <dl className="facts" data-testid="live-status">
            <dt>Checks</dt>
            <dd className="mono" data-testid="endpoint-target">
              {endpoint.type} · {describeTarget(endpoint)}
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge
                status={live?.status ?? null}
                paused={live?.paused}
                maintenanceUntil={live?.maintenance_until}
                failureCount={live?.failure_count}
                failureThreshold={endpoint.failure_threshold}
              />
            </dd>
            <dt>Last check</dt>
            <dd>
              <Time iso={live?.last_check_at} now={now} />
            </dd>
            <dt>Response</dt>
            <dd>
              {live?.last_response_code ?? '—'}
              {live?.last_response_time_ms != null && ` in ${live.last_response_time_ms} ms`}
              {live?.last_error_class && ` (${live.last_error_class})`}
            </dd>
            <dt>Consecutive failures</dt>
            <dd>
              {live?.failure_count ?? 0} of {endpoint.failure_threshold}
              {live?.first_failure && <span className="sub">since {fullTime(live.first_failure)}</span>}
            </dd>
            <dt>Last success</dt>
            <dd>
              <Time iso={live?.last_success} now={now} />
            </dd>
            <dt>Next check</dt>
            <dd>
              {endpoint.paused ? (
                'paused'
              ) : endpoint.type === 'push' ? (
                'push: waiting for results'
              ) : (
                <NextCheck iso={live?.next_check_at} now={now} />
              )}
            </dd>
            {windows && (
              <>
                <dt>Maintenance windows</dt>
                <dd data-testid="endpoint-windows">
                  {windowsHere.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    windowsHere.map((w, i) => (
                      <span key={w.id}>
                        {i > 0 && ', '}
                        <a href={href('maintenance')}>{w.name}</a>
                      </span>
                    ))
                  )}
                </dd>
              </>
            )}
          </dl>
        </div>
        <EndpointSettings endpoint={endpoint} groups={groups} onSaved={setEndpoint} />
      </div>

      {endpoint.type === 'push' && <PushSetup endpoint={endpoint} />}

      <History endpointId={id} />

      <EndpointWebhooks endpointId={id} groupId={endpoint.group_id} />

      <div className="card">
        <h2>Event log</h2>
        {events === null ? (
          <p className="muted">Loading events…</p>
        ) : allEvents.length === 0 ? (
          <Empty title="No events yet.">
            <p>Events appear here when the status changes (down, degraded, up) or a certificate, DNS or body change is detected.</p>
          </Empty>
        ) : (
          <table className="data" data-testid="event-log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {allEvents.map((ev) => (
                <tr key={ev.id} data-event={ev.event}>
                  <td data-label="Time">
                    <time dateTime={ev.timestamp}>{fullTime(ev.timestamp)}</time>
                  </td>
                  <td data-label="Event" className="mono">
                    {ev.event}
                  </td>
                  <td data-label="Status">
                    {ev.data.previous_status} → {ev.data.current_status}
                  </td>
                  <td data-label="Details">{eventDetails(ev)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor && (
          <button type="button" className="small" onClick={() => void loadOlder()}>
            Load older events
          </button>
        )}
      </div>

      <div className="card danger-zone">
        <h2>Delete</h2>
        <p>Deleting stops the checks and ends this endpoint's monitor. Its past events stay in the delivery log.</p>
        <button type="button" className="danger" onClick={() => setDeleting(true)}>
          Delete endpoint
        </button>
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${endpoint.name}?`}
          confirmLabel="Delete endpoint"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.del(`/v1/endpoints/${encodeURIComponent(id)}`);
            navigate(href());
          }}
        >
          <p>Checks stop at once and no more events are sent for it.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function eventDetails(ev: EndpointEvent): string {
  const d = ev.data;
  const parts: string[] = [];
  if (d.last_response_code != null) parts.push(`code ${d.last_response_code}`);
  if (d.last_response_time_ms != null) parts.push(`${d.last_response_time_ms} ms`);
  if (ev.event === 'endpoint.down' && d.failure_count) parts.push(`${d.failure_count} failures`);
  if (d.message) parts.push(d.message);
  if (d.threshold_ms) parts.push(`threshold ${d.threshold_ms} ms`);
  if (d.certificate) parts.push(`certificate expires in ${d.certificate.days_remaining} d`);
  if (d.dns) parts.push(`DNS ${d.dns.previous_addresses.join(', ')} → ${d.dns.current_addresses.join(', ')}`);
  return parts.join(' · ') || '—';
}

const SETTINGS_FIELDS = [
  'name',
  'url',
  'method',
  'expected_status',
  'check_interval_sec',
  'timeout_ms',
  'failure_threshold',
  'degraded_threshold_ms',
  'certificate_expiry_days',
  'heartbeat_timeout_sec',
  'group_id',
  'headers',
  'track_dns',
  'track_body',
  'assertions',
  'tags',
  ...TARGET_FIELDS,
];

interface SettingsForm {
  name: string;
  url: string;
  method: Endpoint['method'];
  expected_status: string;
  check_interval_sec: string;
  timeout_ms: string;
  failure_threshold: string;
  degraded_threshold_ms: string;
  certificate_expiry_days: string;
  heartbeat_timeout_sec: string;
  group_id: string;
  track_dns: boolean;
  track_body: boolean;
  headers: HeaderRow[];
  assertions: AssertionRow[];
  target: TargetForm;
  tags: string;
}

const toForm = (e: Endpoint): SettingsForm => ({
  name: e.name,
  url: e.url ?? '',
  method: e.method,
  expected_status: listToText(e.expected_status),
  check_interval_sec: String(e.check_interval_sec),
  timeout_ms: String(e.timeout_ms),
  failure_threshold: String(e.failure_threshold),
  degraded_threshold_ms: String(e.degraded_threshold_ms),
  certificate_expiry_days: listToText(e.certificate_expiry_days),
  heartbeat_timeout_sec: e.heartbeat_timeout_sec == null ? '' : String(e.heartbeat_timeout_sec),
  group_id: e.group_id ?? '',
  track_dns: e.track_dns,
  track_body: e.track_body,
  headers: headersToRows(e.headers),
  assertions: assertionsToRows(e.assertions),
  target: targetToForm(e.target),
  tags: tagsToText(e.tags),
});

function EndpointSettings({ endpoint, groups, onSaved }: { endpoint: Endpoint; groups: Group[]; onSaved: (e: Endpoint) => void }) {
  const [form, setForm] = useState(() => toForm(endpoint));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [assertionIssues, setAssertionIssues] = useState<ReturnType<typeof assertionErrors>>({ rows: {} });
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<SettingsForm>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const isHttp = endpoint.type === 'http';
  const isPush = endpoint.type === 'push';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const next = {
      name: form.name,
      ...(isHttp && { url: form.url, method: form.method }),
      expected_status: form.expected_status.split(/[\s,]+/).filter(Boolean),
      check_interval_sec: toNum(form.check_interval_sec),
      timeout_ms: toNum(form.timeout_ms),
      failure_threshold: toNum(form.failure_threshold),
      degraded_threshold_ms: toNum(form.degraded_threshold_ms),
      certificate_expiry_days: textToNumbers(form.certificate_expiry_days),
      ...(hasTarget(endpoint.type) && { target: formToTarget(endpoint.type, form.target) }),
      ...(isPush && { heartbeat_timeout_sec: form.heartbeat_timeout_sec.trim() === '' ? null : toNum(form.heartbeat_timeout_sec) }),
      group_id: form.group_id || null,
      track_dns: form.track_dns,
      track_body: form.track_body,
      headers: rowsToHeaders(form.headers),
      ...(isHttp && { assertions: rowsToAssertions(form.assertions) }),
      tags: textToTags(form.tags),
    };
    // Only what changed, so a save never re-validates (or re-sends) a field the operator did not touch.
    const current = endpoint as unknown as Record<string, unknown>;
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k])));
    if (Object.keys(patch).length === 0) {
      setErrors(noErrors);
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      const updated = await api.patch<Endpoint>(`/v1/endpoints/${encodeURIComponent(endpoint.id)}`, patch);
      onSaved(updated);
      setForm(toForm(updated));
      setErrors(noErrors);
      setAssertionIssues({ rows: {} });
      setSaved(true);
    } catch (err) {
      setErrors(toFormErrors(err, SETTINGS_FIELDS));
      setAssertionIssues(assertionErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const f = errors.fields;
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-labelledby="ep-settings-title">
      <h2 id="ep-settings-title">Settings</h2>
      <GeneralError errors={errors} />
      <Field id="set-name" label="Name" error={f.name}>
        <input {...describedBy('set-name', f.name)} value={form.name} onChange={(e) => set({ name: e.target.value })} />
      </Field>
      {isHttp && (
        <div className="row">
          <Field id="set-method" label="Method" error={f.method} className="narrow">
            <select
              {...describedBy('set-method', f.method)}
              value={form.method}
              onChange={(e) => set({ method: e.target.value as Endpoint['method'] })}
            >
              <option>GET</option>
              <option>HEAD</option>
              <option>POST</option>
            </select>
          </Field>
          <Field id="set-url" label="URL" error={f.url}>
            <input {...describedBy('set-url', f.url)} type="url" value={form.url} onChange={(e) => set({ url: e.target.value })} />
          </Field>
        </div>
      )}
      <TargetFields
        idPrefix="set-target"
        type={endpoint.type}
        form={form.target}
        onChange={(patch) => set({ target: { ...form.target, ...patch } })}
        errors={errors}
      />
      <div className="row">
        {isHttp && (
          <Field id="set-expected" label="Expected status" error={f.expected_status} hint="Codes or ranges, comma-separated: 200-399, 418">
            <input
              {...describedBy('set-expected', f.expected_status, true)}
              value={form.expected_status}
              onChange={(e) => set({ expected_status: e.target.value })}
            />
          </Field>
        )}
        <Field id="set-group" label="Group" error={f.group_id}>
          <select {...describedBy('set-group', f.group_id)} value={form.group_id} onChange={(e) => set({ group_id: e.target.value })}>
            <option value="">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>
        <TagsField id="set-tags" value={form.tags} error={f.tags} onChange={(tags) => set({ tags })} />
      </div>
      <div className="row">
        <Field
          id="set-interval"
          label="Check interval (s)"
          error={f.check_interval_sec}
          hint={isPush ? '10 – 86400; the heartbeat timeout is twice this unless set' : '10 – 86400'}
        >
          <WithUnit unit="seconds">
            <input
              {...describedBy('set-interval', f.check_interval_sec, true)}
              inputMode="numeric"
              value={form.check_interval_sec}
              onChange={(e) => set({ check_interval_sec: e.target.value })}
            />
          </WithUnit>
        </Field>
        {!isPush && (
          <Field id="set-timeout" label="Timeout (ms)" error={f.timeout_ms} hint="at most 30000">
            <WithUnit unit="milliseconds">
              <input
                {...describedBy('set-timeout', f.timeout_ms, true)}
                inputMode="numeric"
                value={form.timeout_ms}
                onChange={(e) => set({ timeout_ms: e.target.value })}
              />
            </WithUnit>
          </Field>
        )}
      </div>
      <div className="row">
        <Field id="set-threshold" label="Failure threshold" error={f.failure_threshold} hint="consecutive failures before down">
          <WithUnit unit="failed checks">
            <input
              {...describedBy('set-threshold', f.failure_threshold, true)}
              inputMode="numeric"
              value={form.failure_threshold}
              onChange={(e) => set({ failure_threshold: e.target.value })}
            />
          </WithUnit>
        </Field>
        <Field id="set-degraded" label="Degraded above (ms)" error={f.degraded_threshold_ms}>
          <WithUnit unit="milliseconds">
            <input
              {...describedBy('set-degraded', f.degraded_threshold_ms)}
              inputMode="numeric"
              value={form.degraded_threshold_ms}
              onChange={(e) => set({ degraded_threshold_ms: e.target.value })}
            />
          </WithUnit>
        </Field>
      </div>
      <div className="row">
        {!isPush && (
          <Field
            id="set-cert"
            label="Certificate warnings (days)"
            error={f.certificate_expiry_days}
            hint="comma-separated, e.g. 30, 14, 7, 1"
          >
            <WithUnit unit="days before expiry">
              <input
                {...describedBy('set-cert', f.certificate_expiry_days, true)}
                value={form.certificate_expiry_days}
                onChange={(e) => set({ certificate_expiry_days: e.target.value })}
              />
            </WithUnit>
          </Field>
        )}
        {isPush && (
          <Field id="set-heartbeat" label="Heartbeat timeout (s)" error={f.heartbeat_timeout_sec} hint="empty: twice the interval">
            <WithUnit unit="seconds">
              <input
                {...describedBy('set-heartbeat', f.heartbeat_timeout_sec, true)}
                inputMode="numeric"
                value={form.heartbeat_timeout_sec}
                onChange={(e) => set({ heartbeat_timeout_sec: e.target.value })}
              />
            </WithUnit>
          </Field>
        )}
      </div>
      {!isPush && (
        <div className="checks">
          <label>
            <input type="checkbox" checked={form.track_dns} onChange={(e) => set({ track_dns: e.target.checked })} />{' '}
            {endpoint.type === 'dns' ? 'Watch answer changes' : 'Watch DNS changes'}
          </label>
          {isHttp && (
            <label>
              <input type="checkbox" checked={form.track_body} onChange={(e) => set({ track_body: e.target.checked })} /> Watch body changes
            </label>
          )}
        </div>
      )}
      {isHttp && (
        <HeadersEditor
          id="set-headers"
          rows={form.headers}
          onChange={(headers) => set({ headers })}
          error={f.headers}
          hint="Sent with every check request."
        />
      )}
      {isHttp && (
        <AssertionsEditor
          id="set-assertions"
          rows={form.assertions}
          onChange={(assertions) => set({ assertions })}
          error={assertionIssues.list ?? (f.assertions && Object.keys(assertionIssues.rows).length === 0 ? f.assertions : undefined)}
          rowErrors={assertionIssues.rows}
        />
      )}
      <div className="actions">
        <span className="hint" aria-live="polite">
          {saved ? 'Saved. The monitor uses the new settings from its next check.' : ''}
        </span>
        <button type="submit" className="primary" disabled={busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}
