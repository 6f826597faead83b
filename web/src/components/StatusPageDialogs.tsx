// The add/edit dialog and the delete confirmation of a status page, used by the list and by the page's own screen.
import { api, type Endpoint, type Group, type StatusPage } from '../api.ts';
import { ConfirmDialog, Dialog } from '../lib.tsx';
import { StatusPageForm } from './StatusPageForm.tsx';

const path = (id: string) => `/v1/status-pages/${encodeURIComponent(id)}`;

export function StatusPageDialog(props: {
  editing: StatusPage | 'new';
  endpoints: Endpoint[];
  groups: Group[];
  onSaved: (page: StatusPage) => void;
  onClose: () => void;
}) {
  const { editing } = props;
  const isNew = editing === 'new';
  return (
    <Dialog title={isNew ? 'Add a status page' : `Edit ${editing.title}`} onClose={props.onClose} className="wide">
      <StatusPageForm
        idPrefix={isNew ? 'sp-new' : 'sp-edit'}
        initial={isNew ? undefined : editing}
        endpoints={props.endpoints}
        groups={props.groups}
        submitLabel={isNew ? 'Add status page' : 'Save status page'}
        onCancel={props.onClose}
        onSubmit={async (input) => {
          // an edit sends the whole page: items are replaced whole, each keeping its public key
          const saved = isNew
            ? await api.post<StatusPage>('/v1/status-pages', input)
            : await api.patch<StatusPage>(path(editing.id), input);
          props.onSaved(saved);
        }}
      />
    </Dialog>
  );
}

export function DeleteStatusPageDialog(props: { page: StatusPage; onDeleted: () => void; onClose: () => void }) {
  return (
    <ConfirmDialog
      title={`Delete ${props.page.title}?`}
      confirmLabel="Delete status page"
      danger
      onClose={props.onClose}
      onConfirm={async () => {
        await api.del(path(props.page.id));
        props.onDeleted();
      }}
    >
      <p>
        The public page at /status/{props.page.slug}, its badges and its announcements go away at once; anyone linking to them gets a 404.
        The endpoints and groups it shows are not touched.
      </p>
    </ConfirmDialog>
  );
}
