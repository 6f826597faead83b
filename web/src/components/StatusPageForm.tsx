// A status page, for adding one and for editing it: its address (slug, custom domains), title, description,
// visibility, and the items it shows, each an endpoint or a group under a public label. The API validates; its 400s
// and 409s show beside the field they name (an item's issue beside that item's row).
import { useState } from 'react';
import type { Endpoint, Group, StatusPage, StatusPageInput } from '../api.ts';
import { describedBy, Field, FieldSet, FormActions, GeneralError } from '../lib.tsx';
import { useApiForm } from '../useApiForm.ts';
import './status-pages.css';

interface ItemRow {
  /** `endpoint:<id>` or `group:<id>`, '' until chosen */
  source: string;
  label: string;
  show_response_time: boolean;
}

interface FormState {
  slug: string;
  title: string;
  description: string;
  visibility: StatusPage['visibility'];
  custom_domains: string;
  items: ItemRow[];
}

const emptyRow = (): ItemRow => ({ source: '', label: '', show_response_time: false });

function initialForm(p: StatusPage | undefined): FormState {
  return {
    slug: p?.slug ?? '',
    title: p?.title ?? '',
    description: p?.description ?? '',
    visibility: p?.visibility ?? 'public',
    custom_domains: p?.custom_domains.join('\n') ?? '',
    items: p?.items.map((i) => ({
      source: i.endpoint_id ? `endpoint:${i.endpoint_id}` : `group:${i.group_id ?? ''}`,
      label: i.label,
      show_response_time: i.show_response_time,
    })) ?? [emptyRow()],
  };
}

function toInput(f: FormState): StatusPageInput {
  return {
    slug: f.slug.trim(),
    title: f.title,
    description: f.description.trim() === '' ? null : f.description,
    visibility: f.visibility,
    custom_domains: f.custom_domains.split(/[\s,]+/).filter(Boolean),
    items: f.items.map((r) => {
      const [kind, id = ''] = r.source.split(/:(.*)/);
      // an unchosen row goes without either id, so the API names it
      const ref = kind === 'group' ? { group_id: id } : kind === 'endpoint' ? { endpoint_id: id } : {};
      return { ...ref, label: r.label, show_response_time: r.show_response_time };
    }),
  };
}

/** The API's names of one row's fields; the row's select shows the id issues, the label input the label's. */
const rowFields = (i: number) => [`items.${i}`, `items.${i}.endpoint_id`, `items.${i}.group_id`, `items.${i}.label`];

function ItemsEditor(props: {
  id: string;
  rows: ItemRow[];
  onChange: (rows: ItemRow[]) => void;
  errors: Record<string, string>;
  endpoints: Endpoint[];
  groups: Group[];
}) {
  const { id, rows, onChange, errors } = props;
  const set = (i: number, patch: Partial<ItemRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <FieldSet
      id={id}
      legend="Items"
      error={errors.items}
      hint="Each item is an endpoint or a group (its worst endpoint). Visitors see only the label you give it: never the endpoint's name, URL or id."
    >
      <ol className="sp-item-rows">
        {rows.map((r, i) => {
          const sourceError = errors[`items.${i}.endpoint_id`] ?? errors[`items.${i}.group_id`] ?? errors[`items.${i}`];
          const labelError = errors[`items.${i}.label`];
          const rid = `${id}-${i}`;
          return (
            <li key={i} className="sp-item-row" data-testid="item-row">
              <Field id={`${rid}-source`} label={`Item ${i + 1} shows`} error={sourceError}>
                <select
                  {...describedBy(`${rid}-source`, sourceError)}
                  value={r.source}
                  onChange={(e) => set(i, { source: e.target.value })}
                >
                  <option value="">Choose an endpoint or a group…</option>
                  <optgroup label="Endpoints">
                    {props.endpoints.map((e) => (
                      <option key={e.id} value={`endpoint:${e.id}`}>
                        {e.name}
                      </option>
                    ))}
                  </optgroup>
                  <optgroup label="Groups">
                    {props.groups.map((g) => (
                      <option key={g.id} value={`group:${g.id}`}>
                        {g.name}
                      </option>
                    ))}
                  </optgroup>
                </select>
              </Field>
              <Field id={`${rid}-label`} label={`Item ${i + 1} public label`} error={labelError}>
                <input
                  {...describedBy(`${rid}-label`, labelError)}
                  value={r.label}
                  maxLength={100}
                  onChange={(e) => set(i, { label: e.target.value })}
                  placeholder="e.g. Checkout"
                />
              </Field>
              <label className="sp-rt">
                <input type="checkbox" checked={r.show_response_time} onChange={(e) => set(i, { show_response_time: e.target.checked })} />{' '}
                Show response time<span className="visually-hidden"> of item {i + 1}</span>
              </label>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove item ${i + 1}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </li>
          );
        })}
      </ol>
      <button type="button" className="small" onClick={() => onChange([...rows, emptyRow()])} disabled={rows.length >= 100}>
        Add item
      </button>
    </FieldSet>
  );
}

export function StatusPageForm(props: {
  idPrefix: string;
  initial?: StatusPage;
  endpoints: Endpoint[];
  groups: Group[];
  submitLabel: string;
  onSubmit: (input: StatusPageInput) => Promise<void>;
  onCancel: () => void;
}) {
  const p = props.idPrefix;
  const [form, setForm] = useState<FormState>(() => initialForm(props.initial));
  const { errors: f, formErrors, busy, submit } = useApiForm();
  const set = (patch: Partial<FormState>) => setForm((x) => ({ ...x, ...patch }));
  const onSubmit = submit(
    () => props.onSubmit(toInput(form)),
    () => ['slug', 'title', 'description', 'visibility', 'custom_domains', 'items', ...form.items.flatMap((_, i) => rowFields(i))],
  );

  const slug = form.slug.trim();
  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <GeneralError errors={formErrors} />
      <Field id={`${p}-title`} label="Title" error={f.title}>
        <input
          {...describedBy(`${p}-title`, f.title)}
          value={form.title}
          maxLength={100}
          onChange={(e) => set({ title: e.target.value })}
          placeholder="e.g. Acme status"
        />
      </Field>
      <Field
        id={`${p}-slug`}
        label="Address (slug)"
        error={f.slug}
        hint={`3–63 lower-case letters, digits and hyphens, unique on this server. The page is at ${location.origin}/status/${slug || '…'}`}
      >
        <input
          {...describedBy(`${p}-slug`, f.slug, true)}
          className="mono"
          spellCheck={false}
          autoCapitalize="none"
          value={form.slug}
          onChange={(e) => set({ slug: e.target.value })}
          placeholder="acme"
        />
      </Field>
      <Field
        id={`${p}-description`}
        label="Description (optional)"
        error={f.description}
        hint="Up to 500 characters, shown under the title."
      >
        <textarea
          {...describedBy(`${p}-description`, f.description, true)}
          rows={2}
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Field>
      <FieldSet id={`${p}-visibility`} legend="Visibility" error={f.visibility}>
        <div className="checks">
          <label>
            <input
              type="radio"
              name={`${p}-visibility`}
              checked={form.visibility === 'public'}
              onChange={() => set({ visibility: 'public' })}
            />{' '}
            Public: search engines may index it
          </label>
          <label>
            <input
              type="radio"
              name={`${p}-visibility`}
              checked={form.visibility === 'unlisted'}
              onChange={() => set({ visibility: 'unlisted' })}
            />{' '}
            Unlisted: anyone with the link can see it, search engines are asked not to index it
          </label>
        </div>
      </FieldSet>
      <Field
        id={`${p}-custom_domains`}
        label="Custom domains (optional)"
        error={f.custom_domains}
        hint="Up to 5 host names, one per line (e.g. status.example.com), each pointed at this server: the page is then also at its root."
      >
        <textarea
          {...describedBy(`${p}-custom_domains`, f.custom_domains, true)}
          className="mono"
          rows={2}
          spellCheck={false}
          value={form.custom_domains}
          onChange={(e) => set({ custom_domains: e.target.value })}
        />
      </Field>
      <ItemsEditor
        id={`${p}-items`}
        rows={form.items}
        onChange={(items) => set({ items })}
        errors={f}
        endpoints={props.endpoints}
        groups={props.groups}
      />
      <FormActions submitLabel={props.submitLabel} busy={busy} onCancel={props.onCancel} />
    </form>
  );
}
