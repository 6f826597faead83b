// Posting an announcement on a status page (a title, a status and the first message) or an update to one (a status
// and a message). The API's 400s show beside the field they name.
import { useState } from 'react';
import type { AnnouncementStatus } from '../api.ts';
import { describedBy, Field, FieldSet, FormActions, GeneralError } from '../lib.tsx';
import { useApiForm } from '../useApiForm.ts';

const STATUSES: AnnouncementStatus[] = ['investigating', 'identified', 'monitoring', 'resolved'];

export interface AnnouncementInput {
  title?: string;
  status: AnnouncementStatus;
  message: string;
}

export function AnnouncementForm(props: {
  idPrefix: string;
  /** false: an update to an existing announcement (no title) */
  withTitle: boolean;
  initialStatus?: AnnouncementStatus;
  submitLabel: string;
  onSubmit: (input: AnnouncementInput) => Promise<void>;
  onCancel?: () => void;
}) {
  const p = props.idPrefix;
  const [title, setTitle] = useState('');
  const [status, setStatus] = useState<AnnouncementStatus>(props.initialStatus ?? 'investigating');
  const [message, setMessage] = useState('');
  const { errors: f, formErrors, busy, submit } = useApiForm();
  const onSubmit = submit(
    async () => {
      await props.onSubmit({ ...(props.withTitle && { title }), status, message });
      setTitle('');
      setMessage('');
    },
    () => (props.withTitle ? ['title', 'status', 'message'] : ['status', 'message']),
  );
  return (
    <form className="stack announcement-form" onSubmit={onSubmit} noValidate>
      <GeneralError errors={formErrors} />
      {props.withTitle && (
        <Field id={`${p}-title`} label="Title" error={f.title}>
          <input {...describedBy(`${p}-title`, f.title)} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </Field>
      )}
      <FieldSet id={`${p}-status`} legend="Status" error={f.status}>
        <div className="checks">
          {STATUSES.map((s) => (
            <label key={s}>
              <input type="radio" name={`${p}-status`} value={s} checked={status === s} onChange={() => setStatus(s)} /> {s}
            </label>
          ))}
        </div>
      </FieldSet>
      <Field id={`${p}-message`} label="Message" error={f.message} hint="Shown to visitors as written (plain text, up to 5000 characters).">
        <textarea {...describedBy(`${p}-message`, f.message, true)} rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />
      </Field>
      <FormActions submitLabel={props.submitLabel} busy={busy} onCancel={props.onCancel} />
    </form>
  );
}
