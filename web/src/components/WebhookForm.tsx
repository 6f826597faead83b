// The webhook's settings, for adding one and for editing it: URL, events, group, format (and a custom template),
// custom headers, the switch-off threshold.
import { useEffect, useState, type FormEvent } from 'react';
import { eventTypes, type EventType, type EventTypeInfo, type Group, type Webhook, type WebhookInput } from '../api.ts';
import {
  describedBy,
  Field,
  FieldSet,
  FormActions,
  GeneralError,
  headersToRows,
  HeadersEditor,
  noErrors,
  rowsToHeaders,
  toFormErrors,
  type FormErrors,
  type HeaderRow,
} from '../lib.tsx';
import { WithUnit } from './Unit.tsx';

const WEBHOOK_FIELDS = [
  'url',
  'events',
  'group_id',
  'format',
  'template',
  'content_type',
  'headers',
  'description',
  'enabled',
  'disable_after_failed_deliveries',
];

const FORMATS: Array<[Webhook['format'], string]> = [
  ['vantastatus', 'VantaStatus JSON'],
  ['slack', 'Slack (Block Kit)'],
  ['template', 'Custom template'],
];

const TEMPLATE_PLACEHOLDER = '{"text": "{{emoji}} {{title}}", "reason": "{{data.message}}", "code": {{{data.last_response_code}}}}';

export const EVENT_LABELS: Record<EventType, string> = {
  'endpoint.down': 'Down',
  'endpoint.up': 'Up again',
  'endpoint.degraded': 'Degraded (slow)',
  'endpoint.certificate.expiring': 'Certificate expiring',
  'endpoint.dns.changed': 'DNS changed',
  'endpoint.body.changed': 'Body changed',
  'webhook.delivery.failed': "Another webhook's delivery failed",
  'webhook.disabled': 'Another webhook was switched off',
};

interface FormState {
  url: string;
  description: string;
  events: EventType[];
  group_id: string;
  format: Webhook['format'];
  template: string;
  content_type: string;
  headers: HeaderRow[];
  /** '' means never */
  disableAfter: string;
}

/** The event types the form offers: the server's catalog (GET /v1/event-types), with its descriptions. */
function useEventTypes(): { types: EventTypeInfo[] | null; error: string | null } {
  const [state, setState] = useState<{ types: EventTypeInfo[] | null; error: string | null }>({ types: null, error: null });
  useEffect(() => {
    let live = true;
    eventTypes().then(
      (types) => live && setState({ types, error: null }),
      (err: unknown) => live && setState({ types: null, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export function WebhookForm(props: {
  idPrefix: string;
  initial?: Webhook;
  groups: Group[];
  submitLabel: string;
  onSubmit: (input: WebhookInput) => Promise<void>;
  onCancel?: () => void;
}) {
  const p = props.idPrefix;
  const [form, setForm] = useState<FormState>(() => ({
    url: props.initial?.url ?? '',
    description: props.initial?.description ?? '',
    events: props.initial?.events ?? ['endpoint.down', 'endpoint.up', 'endpoint.degraded'],
    group_id: props.initial?.group_id ?? '',
    format: props.initial?.format ?? 'vantastatus',
    template: props.initial?.template ?? '',
    content_type: props.initial?.content_type ?? 'application/json',
    headers: props.initial ? headersToRows(props.initial.headers) : [],
    disableAfter: props.initial?.disable_after_failed_deliveries?.toString() ?? '',
  }));
  const catalog = useEventTypes();
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<FormState>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const toggleEvent = (ev: EventType, on: boolean) =>
    set({
      events: on
        ? (catalog.types ?? []).map((t) => t.type).filter((e) => e === ev || form.events.includes(e))
        : form.events.filter((e) => e !== ev),
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit({
        url: form.url.trim(),
        description: form.description.trim() === '' ? null : form.description,
        events: form.events,
        group_id: form.group_id || null,
        format: form.format,
        template: form.template === '' ? null : form.template,
        content_type: form.content_type.trim(),
        headers: rowsToHeaders(form.headers),
        // a number the server validates (a whole number 1–1000); the field's own error names it otherwise
        disable_after_failed_deliveries: form.disableAfter.trim() === '' ? null : Number(form.disableAfter),
      });
      setErrors(noErrors);
      setSaved(true);
    } catch (err) {
      setErrors(toFormErrors(err, WEBHOOK_FIELDS));
    } finally {
      setBusy(false);
    }
  };

  const f = errors.fields;
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <GeneralError errors={errors} />
      <Field id={`${p}-url`} label="Target URL" error={f.url} hint="Where VantaStatus POSTs the signed JSON (https://).">
        <input
          {...describedBy(`${p}-url`, f.url, true)}
          type="url"
          placeholder="https://hooks.example.com/vantastatus"
          value={form.url}
          onChange={(e) => set({ url: e.target.value })}
        />
      </Field>
      <FieldSet id={`${p}-events`} legend="Events" error={f.events}>
        {catalog.error && <p className="banner error">The event types could not be loaded: {catalog.error}</p>}
        {catalog.types === null && !catalog.error && <p className="muted">Loading event types…</p>}
        <div className="checks grid">
          {(catalog.types ?? []).map(({ type: ev, description }) => (
            <label key={ev} title={description}>
              <input
                type="checkbox"
                name="events"
                value={ev}
                checked={form.events.includes(ev)}
                onChange={(e) => toggleEvent(ev, e.target.checked)}
              />{' '}
              {EVENT_LABELS[ev]} <span className="mono sub-inline">{ev}</span>
            </label>
          ))}
        </div>
      </FieldSet>
      <Field
        id={`${p}-disable-after`}
        label="Switch off after failed deliveries"
        error={f.disable_after_failed_deliveries}
        hint="Switch this webhook off after this many failed deliveries in a row (1–1000); empty: never. The account's other webhooks hear about it."
      >
        <WithUnit unit="failed deliveries">
          <input
            {...describedBy(`${p}-disable-after`, f.disable_after_failed_deliveries, true)}
            type="number"
            min={1}
            max={1000}
            placeholder="never"
            value={form.disableAfter}
            onChange={(e) => set({ disableAfter: e.target.value })}
          />
        </WithUnit>
      </Field>
      <div className="row">
        <Field id={`${p}-group`} label="Endpoints" error={f.group_id} hint="All of the account's endpoints, or only one group's.">
          <select
            {...describedBy(`${p}-group`, f.group_id, true)}
            value={form.group_id}
            onChange={(e) => set({ group_id: e.target.value })}
          >
            <option value="">All endpoints</option>
            {props.groups.map((g) => (
              <option key={g.id} value={g.id}>
                Group: {g.name}
              </option>
            ))}
          </select>
        </Field>
        <FieldSet id={`${p}-format`} legend="Format" error={f.format}>
          {FORMATS.map(([format, label]) => (
            <label key={format}>
              <input type="radio" name={`${p}-format`} value={format} checked={form.format === format} onChange={() => set({ format })} />{' '}
              {label}
            </label>
          ))}
        </FieldSet>
      </div>
      {form.format === 'template' && (
        <>
          <Field
            id={`${p}-template`}
            label="Body template (Mustache)"
            error={f.template}
            hint={
              <>
                Checked against a sample of every event when you save. In a JSON body {'{{name}}'} is JSON-escaped (put it inside quotes)
                and {'{{{name}}}'} is the value as JSON. Examples for PagerDuty, Discord and Teams: docs/templates.
              </>
            }
          >
            <textarea
              {...describedBy(`${p}-template`, f.template, true)}
              className="mono"
              rows={12}
              spellCheck={false}
              placeholder={TEMPLATE_PLACEHOLDER}
              value={form.template}
              onChange={(e) => set({ template: e.target.value })}
            />
          </Field>
          <Field id={`${p}-content-type`} label="Content-Type" error={f.content_type}>
            <input
              {...describedBy(`${p}-content-type`, f.content_type)}
              className="mono"
              value={form.content_type}
              onChange={(e) => set({ content_type: e.target.value })}
            />
          </Field>
        </>
      )}
      <HeadersEditor
        id={`${p}-headers`}
        rows={form.headers}
        onChange={(headers) => set({ headers })}
        error={f.headers}
        hint="Sent with every delivery, e.g. an Authorization header your receiver expects. X-VantaStatus-*, webhook-*, Host, Content-Type and Content-Length are set by VantaStatus."
      />
      <Field id={`${p}-description`} label="Description (optional)" error={f.description}>
        <input
          {...describedBy(`${p}-description`, f.description)}
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Field>
      <FormActions submitLabel={props.submitLabel} busy={busy} onCancel={props.onCancel}>
        <span className="hint" aria-live="polite">
          {saved && props.initial ? 'Saved. The next delivery attempt uses these settings.' : ''}
        </span>
      </FormActions>
    </form>
  );
}
