// The board's "Add an endpoint" dialog: the few fields a first check needs; the rest is on the endpoint's page.
import { useState, type FormEvent } from 'react';
import {
  emptyTargetForm,
  ENDPOINT_TYPES,
  formToTarget,
  hasTarget,
  TARGET_FIELDS,
  TargetFields,
  type EndpointType,
} from '../TargetFields.tsx';
import { api, type Endpoint, type Group } from '../../api.ts';
import { describedBy, Dialog, Field, GeneralError, noErrors, toFormErrors, toNum, type FormErrors } from '../../lib.tsx';
import { TagsField, textToTags } from '../Tags.tsx';
import { WithUnit } from '../Unit.tsx';

const ADD_FIELDS = ['name', 'type', 'url', 'group_id', 'check_interval_sec', 'failure_threshold', 'tags', ...TARGET_FIELDS];

export function AddEndpointDialog({
  groups,
  onClose,
  onCreated,
}: {
  groups: Group[];
  onClose: () => void;
  onCreated: (e: Endpoint) => void;
}) {
  const [form, setForm] = useState({
    name: '',
    type: 'http' as EndpointType,
    url: '',
    target: emptyTargetForm,
    group_id: '',
    check_interval_sec: '60',
    failure_threshold: '3',
    tags: '',
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
        tags: textToTags(form.tags),
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
        <TagsField id="ep-tags" value={form.tags} error={errors.fields.tags} onChange={(tags) => set({ tags })} />
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
