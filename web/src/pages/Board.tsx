// The status board: every endpoint with its live status, refreshed in place every few seconds.
import { useMemo, useState, type FormEvent } from 'react';
import {
  describeTarget,
  emptyTargetForm,
  ENDPOINT_TYPES,
  formToTarget,
  hasTarget,
  TARGET_FIELDS,
  TargetFields,
  type EndpointType,
} from '../components/TargetFields.tsx';
import {
  api,
  ApiError,
  type BulkStatus,
  listAll,
  type Endpoint,
  type Group,
  type Status,
  type StatusEntry,
  type UptimeSummary,
} from '../api.ts';
import { formatPercent } from '../components/UptimeBars.tsx';
import { shownStatus } from '../status-display.ts';
import {
  describedBy,
  Dialog,
  Empty,
  Field,
  GeneralError,
  href,
  navigate,
  noErrors,
  StatusBadge,
  Time,
  toFormErrors,
  toNum,
  useNow,
  usePageHeading,
  usePoll,
  type FormErrors,
} from '../lib.tsx';
import { WithUnit } from '../components/Unit.tsx';

const BOARD_REFRESH_MS = 3000;
/** uptime moves slowly: the board asks for it once a minute */
const UPTIME_REFRESH_MS = 60_000;
const STATUSES: Status[] = ['down', 'degraded', 'up', 'unknown'];
/** The filter's and the summary's word for each status: the badges' own (status-display.ts) */
const STATUS_WORD = Object.fromEntries(STATUSES.map((s) => [s, shownStatus({ status: s }).word])) as Record<Status, string>;

async function loadStatuses(ids: string[]): Promise<Map<string, StatusEntry>> {
  const out = new Map<string, StatusEntry>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const res = await api.get<BulkStatus>(`/v1/endpoints/status?ids=${chunk.map(encodeURIComponent).join(',')}`);
    for (const e of res.data) out.set(e.endpoint_id, e);
  }
  return out;
}

export function Board() {
  const heading = usePageHeading('Status board');
  const now = useNow();
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [statuses, setStatuses] = useState<Map<string, StatusEntry>>(new Map());
  const [refreshedAt, setRefreshedAt] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [groupFilter, setGroupFilter] = useState('all');
  const [statusFilter, setStatusFilter] = useState('all');
  const [adding, setAdding] = useState(false);

  const refresh = usePoll(
    async (live) => {
      try {
        const [eps, grps] = await Promise.all([listAll<Endpoint>('/v1/endpoints'), listAll<Group>('/v1/groups')]);
        const st = eps.length ? await loadStatuses(eps.map((e) => e.id)) : new Map<string, StatusEntry>();
        if (!live()) return;
        setEndpoints(eps);
        setGroups(grps);
        setStatuses(st);
        setRefreshedAt(new Date().toISOString());
        setLoadError(null);
      } catch (err) {
        if (live() && !(err instanceof ApiError && err.status === 401)) setLoadError(err instanceof Error ? err.message : String(err));
      }
    },
    BOARD_REFRESH_MS,
    [],
  );

  const [uptime, setUptime] = useState<Record<'24h' | '30d', Map<string, number | null>>>({ '24h': new Map(), '30d': new Map() });
  usePoll(
    async (live) => {
      try {
        const [day, month] = await Promise.all([
          api.get<UptimeSummary>('/v1/uptime?window=24h'),
          api.get<UptimeSummary>('/v1/uptime?window=30d'),
        ]);
        const toMap = (s: UptimeSummary) => new Map(s.data.map((e) => [e.endpoint_id, e.uptime_percent]));
        if (live()) setUptime({ '24h': toMap(day), '30d': toMap(month) });
      } catch {
        /* the next poll tries again */
      }
    },
    UPTIME_REFRESH_MS,
    [endpoints?.length ?? 0],
  );

  const groupName = useMemo(() => new Map(groups.map((g) => [g.id, g.name])), [groups]);
  const statusOf = (e: Endpoint): Status | null => statuses.get(e.id)?.live?.status ?? null;
  // What needs attention first: down, degraded, no answer yet, up; then by name.
  const rank = (e: Endpoint) => ['down', 'degraded', 'unknown', 'up'].indexOf(statusOf(e) ?? 'unknown');
  const rows = [...(endpoints ?? [])]
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
    .filter(
      (e) =>
        (groupFilter === 'all' || (groupFilter === 'none' ? e.group_id === null : e.group_id === groupFilter)) &&
        (statusFilter === 'all' || (statusFilter === 'paused' ? e.paused : (statusOf(e) ?? 'unknown') === statusFilter)),
    );
  const counts = STATUSES.map((s) => [s, (endpoints ?? []).filter((e) => (statusOf(e) ?? 'unknown') === s).length] as const);

  return (
    <section aria-labelledby="board-title">
      <div className="page-head">
        <h1 id="board-title" ref={heading} tabIndex={-1}>
          Status board
        </h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add endpoint
        </button>
      </div>

      <div className="toolbar" role="group" aria-label="Filters">
        <label>
          Group{' '}
          <select value={groupFilter} onChange={(e) => setGroupFilter(e.target.value)} id="filter-group">
            <option value="all">All groups</option>
            <option value="none">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)} id="filter-status">
            <option value="all">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_WORD[s]}
              </option>
            ))}
            <option value="paused">paused</option>
          </select>
        </label>
        <p className="summary" aria-live="polite" data-testid="board-summary">
          {endpoints
            ? counts
                .filter(([, n]) => n > 0)
                .map(([s, n]) => `${n} ${STATUS_WORD[s]}`)
                .join(' · ') || 'no endpoints'
            : 'loading…'}
        </p>
        <p className="muted refreshed">
          {refreshedAt ? (
            <>
              Updated <Time iso={refreshedAt} now={now} /> · refreshes every {BOARD_REFRESH_MS / 1000} s
            </>
          ) : null}
        </p>
      </div>

      {loadError && (
        <p className="banner error" role="alert">
          Could not refresh the board: {loadError} Retrying every {BOARD_REFRESH_MS / 1000} s.
        </p>
      )}

      {endpoints === null ? (
        <p className="muted">Loading endpoints…</p>
      ) : endpoints.length === 0 ? (
        <Empty title="No endpoints yet.">
          <p>Add the first URL to monitor: VantaStatus checks it on a fixed interval and shows its status here.</p>
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add an endpoint
          </button>
        </Empty>
      ) : rows.length === 0 ? (
        <Empty title="No endpoint matches these filters.">
          <button
            type="button"
            onClick={() => {
              setGroupFilter('all');
              setStatusFilter('all');
            }}
          >
            Clear the filters
          </button>
        </Empty>
      ) : (
        <table className="data board" data-testid="board">
          <caption className="visually-hidden">Endpoints and their live status</caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col">Last check</th>
              <th scope="col">Response time</th>
              <th scope="col">Code</th>
              <th scope="col">Uptime 24 h</th>
              <th scope="col">Uptime 30 d</th>
              <th scope="col">Group</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const entry = statuses.get(e.id);
              const live = entry?.live ?? null;
              return (
                <tr key={e.id} data-endpoint-id={e.id} data-status={live?.status ?? 'unknown'}>
                  <th scope="row" data-label="Endpoint">
                    <a href={href('endpoints', e.id)}>{e.name}</a>
                    <span className="sub mono">{describeTarget(e)}</span>
                  </th>
                  <td data-label="Status">
                    <StatusBadge
                      status={live?.status ?? (entry?.error ? null : 'unknown')}
                      paused={e.paused}
                      maintenanceUntil={live?.maintenance_until}
                      failureCount={live?.failure_count}
                      failureThreshold={e.failure_threshold}
                    />
                    {entry?.error && <span className="sub">{entry.error.message}</span>}
                    {live && live.failure_count > 0 && <span className="sub">{live.failure_count} consecutive failure(s)</span>}
                  </td>
                  <td data-label="Last check">
                    <Time iso={live?.last_check_at} now={now} />
                  </td>
                  <td data-label="Response time">{live?.last_response_time_ms != null ? `${live.last_response_time_ms} ms` : '—'}</td>
                  <td data-label="Code">
                    {live?.last_response_code ?? '—'}
                    {live?.last_error_class && <span className="sub">{live.last_error_class}</span>}
                  </td>
                  <td data-label="Uptime 24 h" data-testid="uptime-24h">
                    {formatPercent(uptime['24h'].get(e.id))}
                  </td>
                  <td data-label="Uptime 30 d" data-testid="uptime-30d">
                    {formatPercent(uptime['30d'].get(e.id))}
                  </td>
                  <td data-label="Group">{e.group_id ? (groupName.get(e.group_id) ?? e.group_id) : <span className="muted">none</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {adding && (
        <AddEndpointDialog
          groups={groups}
          onClose={() => setAdding(false)}
          onCreated={(ep) => {
            setAdding(false);
            refresh();
            navigate(href('endpoints', ep.id));
          }}
        />
      )}
    </section>
  );
}

const ADD_FIELDS = ['name', 'type', 'url', 'group_id', 'check_interval_sec', 'failure_threshold', ...TARGET_FIELDS];

function AddEndpointDialog({ groups, onClose, onCreated }: { groups: Group[]; onClose: () => void; onCreated: (e: Endpoint) => void }) {
  const [form, setForm] = useState({
    name: '',
    type: 'http' as EndpointType,
    url: '',
    target: emptyTargetForm,
    group_id: '',
    check_interval_sec: '60',
    failure_threshold: '3',
  });
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await api.post<Endpoint>('/v1/endpoints', {
        name: form.name,
        type: form.type,
        ...(form.type === 'http' && { url: form.url }),
        ...(hasTarget(form.type) && { target: formToTarget(form.type, form.target) }),
        group_id: form.group_id || null,
        check_interval_sec: toNum(form.check_interval_sec),
        failure_threshold: toNum(form.failure_threshold),
      });
      onCreated(created);
    } catch (err) {
      setErrors(toFormErrors(err, ADD_FIELDS));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Add an endpoint" onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack">
        <GeneralError errors={errors} />
        <Field id="ep-name" label="Name" error={errors.fields.name}>
          <input
            {...describedBy('ep-name', errors.fields.name)}
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
            placeholder="MSK-API-PROD"
          />
        </Field>
        <Field
          id="ep-type"
          label="Type"
          error={errors.fields.type}
          hint="http, tcp, tls and dns: VantaStatus checks. push: your infrastructure sends results."
        >
          <select
            {...describedBy('ep-type', errors.fields.type, true)}
            value={form.type}
            onChange={(e) => set({ type: e.target.value as EndpointType })}
          >
            {ENDPOINT_TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <TargetFields
          idPrefix="ep-target"
          type={form.type}
          form={form.target}
          onChange={(patch) => set({ target: { ...form.target, ...patch } })}
          errors={errors}
        />
        {form.type === 'http' && (
          <Field id="ep-url" label="URL" error={errors.fields.url}>
            <input
              {...describedBy('ep-url', errors.fields.url)}
              type="url"
              value={form.url}
              onChange={(e) => set({ url: e.target.value })}
              placeholder="https://api.example.com/health"
            />
          </Field>
        )}
        <Field id="ep-group" label="Group" error={errors.fields.group_id}>
          <select
            {...describedBy('ep-group', errors.fields.group_id)}
            value={form.group_id}
            onChange={(e) => set({ group_id: e.target.value })}
          >
            <option value="">No group</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>
        <div className="row">
          <Field id="ep-interval" label="Check every (seconds)" error={errors.fields.check_interval_sec}>
            <WithUnit unit="seconds">
              <input
                {...describedBy('ep-interval', errors.fields.check_interval_sec)}
                inputMode="numeric"
                value={form.check_interval_sec}
                onChange={(e) => set({ check_interval_sec: e.target.value })}
              />
            </WithUnit>
          </Field>
          <Field id="ep-threshold" label="Down after (failures)" error={errors.fields.failure_threshold}>
            <WithUnit unit="failed checks">
              <input
                {...describedBy('ep-threshold', errors.fields.failure_threshold)}
                inputMode="numeric"
                value={form.failure_threshold}
                onChange={(e) => set({ failure_threshold: e.target.value })}
              />
            </WithUnit>
          </Field>
        </div>
        <p className="hint">Everything else (method, expected status, thresholds, headers) can be edited on the endpoint's page.</p>
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Add endpoint
          </button>
        </div>
      </form>
    </Dialog>
  );
}
