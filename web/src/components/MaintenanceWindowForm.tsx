// A maintenance window, for adding one and for editing it: a name, one-off (start and end, in the browser's time)
// or recurring (RRULE, first start as local time, duration, IANA zone), and its scope (the account, some groups,
// some endpoints). The API validates; its 400s show beside the field they name.
import { useState, type FormEvent } from 'react';
import type { Endpoint, Group, MaintenanceWindow, MaintenanceWindowInput } from '../api.ts';
import {
  describedBy,
  Field,
  FieldSet,
  FormActions,
  GeneralError,
  humanSeconds,
  noErrors,
  toFormErrors,
  toNum,
  type FormErrors,
} from '../lib.tsx';
import { WithUnit } from './Unit.tsx';

type Kind = MaintenanceWindow['kind'];
type Scope = MaintenanceWindow['scope'];

const KIND_FIELDS: Record<Kind, string[]> = {
  one_off: ['starts_at', 'ends_at'],
  recurring: ['rrule', 'dtstart', 'duration_sec', 'timezone'],
};
const SCOPE_FIELDS: Record<Scope, string[]> = { account: [], groups: ['group_ids'], endpoints: ['endpoint_ids'] };
const SCOPES: Array<{ scope: Scope; label: string }> = [
  { scope: 'account', label: 'Every endpoint of the account, present and future' },
  { scope: 'groups', label: 'The endpoints of some groups' },
  { scope: 'endpoints', label: 'Some endpoints' },
];

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

const pad = (n: number) => String(n).padStart(2, '0');
/** An instant as a datetime-local value in the browser's zone (seconds only when it has some). */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const s = d.getSeconds() ? `:${pad(d.getSeconds())}` : '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}${s}`;
}
/** A datetime-local value (the browser's zone) as an instant; what is not a date goes as typed, for the API to name. */
function fromLocalInput(s: string): string | null {
  if (s.trim() === '') return null;
  const ms = new Date(s).getTime();
  return Number.isNaN(ms) ? s : new Date(ms).toISOString();
}
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

interface FormState {
  name: string;
  kind: Kind;
  starts_at: string;
  ends_at: string;
  rrule: string;
  dtstart: string;
  duration_sec: string;
  timezone: string;
  scope: Scope;
  group_ids: string[];
  endpoint_ids: string[];
}

function initialForm(w: MaintenanceWindow | undefined): FormState {
  // a new one-off window: the next full hour, for an hour
  const start = new Date();
  start.setMinutes(60, 0, 0);
  return {
    name: w?.name ?? '',
    kind: w?.kind ?? 'one_off',
    starts_at: toLocalInput(w ? w.starts_at : start.toISOString()),
    ends_at: toLocalInput(w ? w.ends_at : new Date(start.getTime() + 3_600_000).toISOString()),
    rrule: w?.rrule ?? '',
    dtstart: w?.dtstart ?? '',
    duration_sec: w?.duration_sec != null ? String(w.duration_sec) : '3600',
    timezone: w?.timezone ?? BROWSER_ZONE,
    scope: w?.scope ?? 'account',
    group_ids: w?.group_ids ?? [],
    endpoint_ids: w?.endpoint_ids ?? [],
  };
}

/** The whole window, the other kind's fields null and the other scope's list empty (an edit sends it whole too). */
function toInput(f: FormState): MaintenanceWindowInput {
  const oneOff = f.kind === 'one_off';
  return {
    name: f.name,
    starts_at: oneOff ? fromLocalInput(f.starts_at) : null,
    ends_at: oneOff ? fromLocalInput(f.ends_at) : null,
    rrule: oneOff ? null : orNull(f.rrule),
    dtstart: oneOff ? null : orNull(f.dtstart),
    duration_sec: oneOff || f.duration_sec.trim() === '' ? null : toNum(f.duration_sec),
    timezone: oneOff ? null : orNull(f.timezone),
    scope: f.scope,
    group_ids: f.scope === 'groups' ? f.group_ids : [],
    endpoint_ids: f.scope === 'endpoints' ? f.endpoint_ids : [],
  };
}

/** Checkboxes for some of a list (groups, endpoints); an id chosen earlier that no longer exists stays, to be unticked. */
function PickList(props: {
  id: string;
  legend: string;
  error?: string;
  items: Array<{ id: string; name: string }>;
  chosen: string[];
  onChange: (ids: string[]) => void;
  empty: string;
}) {
  const known = new Set(props.items.map((i) => i.id));
  const items = [...props.items, ...props.chosen.filter((id) => !known.has(id)).map((id) => ({ id, name: `${id} (deleted)` }))];
  return (
    <FieldSet id={props.id} legend={props.legend} error={props.error}>
      {items.length === 0 ? (
        <p className="muted">{props.empty}</p>
      ) : (
        <div className="checks grid pick-list">
          {items.map((i) => (
            <label key={i.id}>
              <input
                type="checkbox"
                name={props.id}
                value={i.id}
                checked={props.chosen.includes(i.id)}
                onChange={(e) => props.onChange(e.target.checked ? [...props.chosen, i.id] : props.chosen.filter((x) => x !== i.id))}
              />{' '}
              {i.name}
            </label>
          ))}
        </div>
      )}
    </FieldSet>
  );
}

export function MaintenanceWindowForm(props: {
  idPrefix: string;
  initial?: MaintenanceWindow;
  groups: Group[];
  endpoints: Endpoint[];
  submitLabel: string;
  onSubmit: (input: MaintenanceWindowInput) => Promise<void>;
  onCancel: () => void;
}) {
  const p = props.idPrefix;
  const [form, setForm] = useState<FormState>(() => initialForm(props.initial));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit(toInput(form));
      setErrors(noErrors);
    } catch (err) {
      // only the fields on show claim an issue; any other is the form's general error
      setErrors(toFormErrors(err, ['name', 'scope', ...KIND_FIELDS[form.kind], ...SCOPE_FIELDS[form.scope]]));
    } finally {
      setBusy(false);
    }
  };

  const f = errors.fields;
  const duration = toNum(form.duration_sec);
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <GeneralError errors={errors} />
      <Field id={`${p}-name`} label="Name" error={f.name}>
        <input
          {...describedBy(`${p}-name`, f.name)}
          value={form.name}
          onChange={(e) => set({ name: e.target.value })}
          placeholder="e.g. database upgrade"
        />
      </Field>
      <FieldSet id={`${p}-kind`} legend="When">
        <div className="checks">
          <label>
            <input type="radio" name={`${p}-kind`} checked={form.kind === 'one_off'} onChange={() => set({ kind: 'one_off' })} /> Once (a
            start and an end)
          </label>
          <label>
            <input type="radio" name={`${p}-kind`} checked={form.kind === 'recurring'} onChange={() => set({ kind: 'recurring' })} />{' '}
            Recurring (an RRULE)
          </label>
        </div>
      </FieldSet>
      {form.kind === 'one_off' ? (
        <div className="row">
          <Field id={`${p}-starts_at`} label="Starts" error={f.starts_at} hint={`Your browser's time (${BROWSER_ZONE}).`}>
            <input
              {...describedBy(`${p}-starts_at`, f.starts_at, true)}
              type="datetime-local"
              value={form.starts_at}
              onChange={(e) => set({ starts_at: e.target.value })}
            />
          </Field>
          <Field id={`${p}-ends_at`} label="Ends" error={f.ends_at} hint="At most 366 days after the start.">
            <input
              {...describedBy(`${p}-ends_at`, f.ends_at, true)}
              type="datetime-local"
              value={form.ends_at}
              onChange={(e) => set({ ends_at: e.target.value })}
            />
          </Field>
        </div>
      ) : (
        <>
          <Field
            id={`${p}-rrule`}
            label="Recurrence rule (RRULE)"
            error={f.rrule}
            hint="RFC 5545, daily or coarser: FREQ=WEEKLY;BYDAY=SU, FREQ=MONTHLY;BYDAY=1SA, FREQ=DAILY;INTERVAL=2. No DTSTART: that is the first start below."
          >
            <input
              {...describedBy(`${p}-rrule`, f.rrule, true)}
              className="mono"
              spellCheck={false}
              autoCapitalize="characters"
              value={form.rrule}
              onChange={(e) => set({ rrule: e.target.value })}
              placeholder="FREQ=WEEKLY;BYDAY=SU"
            />
          </Field>
          <div className="row">
            <Field
              id={`${p}-dtstart`}
              label="First start"
              error={f.dtstart}
              hint="Local time in the zone beside it; every occurrence starts at this time."
            >
              <input
                {...describedBy(`${p}-dtstart`, f.dtstart, true)}
                type="datetime-local"
                value={form.dtstart}
                onChange={(e) => set({ dtstart: e.target.value })}
              />
            </Field>
            <Field id={`${p}-timezone`} label="Time zone" error={f.timezone} hint="IANA name, e.g. Europe/Berlin.">
              <input
                {...describedBy(`${p}-timezone`, f.timezone, true)}
                list={`${p}-zones`}
                spellCheck={false}
                value={form.timezone}
                onChange={(e) => set({ timezone: e.target.value })}
              />
              <datalist id={`${p}-zones`}>
                {ZONES.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
            </Field>
          </div>
          <Field
            id={`${p}-duration_sec`}
            label="Duration (s)"
            error={f.duration_sec}
            hint={`Each occurrence: 60 s – 7 days (604800).${typeof duration === 'number' && duration > 0 ? ` Now: ${humanSeconds(duration)}.` : ''}`}
          >
            <WithUnit unit="seconds">
              <input
                {...describedBy(`${p}-duration_sec`, f.duration_sec, true)}
                inputMode="numeric"
                value={form.duration_sec}
                onChange={(e) => set({ duration_sec: e.target.value })}
              />
            </WithUnit>
          </Field>
        </>
      )}
      <FieldSet id={`${p}-scope`} legend="Applies to" error={f.scope}>
        <div className="checks">
          {SCOPES.map((s) => (
            <label key={s.scope}>
              <input
                type="radio"
                name={`${p}-scope`}
                value={s.scope}
                checked={form.scope === s.scope}
                onChange={() => set({ scope: s.scope })}
              />{' '}
              {s.label}
            </label>
          ))}
        </div>
      </FieldSet>
      {form.scope === 'groups' && (
        <PickList
          id={`${p}-group_ids`}
          legend="Groups"
          error={f.group_ids}
          items={props.groups}
          chosen={form.group_ids}
          onChange={(group_ids) => set({ group_ids })}
          empty="No groups yet: create one under Account & groups."
        />
      )}
      {form.scope === 'endpoints' && (
        <PickList
          id={`${p}-endpoint_ids`}
          legend="Endpoints"
          error={f.endpoint_ids}
          items={props.endpoints}
          chosen={form.endpoint_ids}
          onChange={(endpoint_ids) => set({ endpoint_ids })}
          empty="No endpoints yet."
        />
      )}
      <p className="hint">
        During maintenance checks go on and are recorded, but no up, down or degraded event is sent; at the end the real status is announced
        once if it changed. Certificate, DNS and body events are still sent.
      </p>
      <FormActions submitLabel={props.submitLabel} busy={busy} onCancel={props.onCancel} />
    </form>
  );
}
