// Endpoint tags: edited as comma-separated text (the API lower-cases and de-duplicates them) and shown as small chips.
import { describedBy, Field } from '../lib.tsx';

export const tagsToText = (tags: string[]) => tags.join(', ');
export const textToTags = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null;
  return (
    <span className="tags" aria-label="Tags">
      {tags.map((t) => (
        <span key={t} className="tag" data-tag={t}>
          {t}
        </span>
      ))}
    </span>
  );
}

export function TagsField({ id, value, error, onChange }: { id: string; value: string; error?: string; onChange: (text: string) => void }) {
  const hint = 'Comma-separated, at most 20: prod, eu-west, team:api (a–z, 0–9, . _ : -)';
  return (
    <Field id={id} label="Tags" error={error} hint={hint}>
      <input {...describedBy(id, error, hint)} value={value} onChange={(e) => onChange(e.target.value)} placeholder="prod, eu-west" />
    </Field>
  );
}
