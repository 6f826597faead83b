// The webhook's settings, for adding one and for editing it: URL, events, group, format (and a custom template),
// custom headers.
import { useState, type FormEvent } from 'react';
import { EVENT_TYPES, type EventType, type Group, type Webhook, type WebhookInput } from '../api.ts';
import {
  describedBy,
  Field,
  FieldSet,
  GeneralError,
  headersToRows,
  HeadersEditor,
  noErrors,
  rowsToHeaders,
  toFormErrors,
  type FormErrors,
  type HeaderRow,
} from '../lib.tsx';

const WEBHOOK_FIELDS = ['url', 'events', 'group_id', 'format', 'template', 'content_type', 'headers', 'description', 'enabled'];

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
  }));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<FormState>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const toggleEvent = (ev: EventType, on: boolean) =>
    set({ events: on ? EVENT_TYPES.filter((e) => e === ev || form.events.includes(e)) : form.events.filter((e) => e !== ev) });

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
        <div className="checks grid">
          {EVENT_TYPES.map((ev) => (
            <label key={ev}>
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
      <div className="actions">
        <span className="hint" aria-live="polite">
          {saved && props.initial ? 'Saved. The next delivery attempt uses these settings.' : ''}
        </span>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
