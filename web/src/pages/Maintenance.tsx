// Maintenance: the account's maintenance windows (when, and what they cover), adding, editing and deleting one.
// While a window is in force checks go on but status events are held back (docs/BEHAVIOUR.md, "Maintenance windows").
import { useMemo, useState } from 'react';
import { api, listAll, type Endpoint, type Group, type MaintenanceWindow } from '../api.ts';
import { WindowWhen } from '../components/MaintenanceSchedule.tsx';
import { MaintenanceWindowForm } from '../components/MaintenanceWindowForm.tsx';
import { ConfirmDialog, Dialog, Empty, href, useNow, usePageHeading, usePoll } from '../lib.tsx';

export function Maintenance() {
  const heading = usePageHeading('Maintenance windows');
  const now = useNow(10_000);
  const [windows, setWindows] = useState<MaintenanceWindow[] | null>(null);
  const [groups, setGroups] = useState<Group[]>([]);
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<MaintenanceWindow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<MaintenanceWindow | null>(null);

  const refresh = usePoll(
    async (live) => {
      try {
        const [w, g, e] = await Promise.all([
          listAll<MaintenanceWindow>('/v1/maintenance-windows'),
          listAll<Group>('/v1/groups'),
          listAll<Endpoint>('/v1/endpoints'),
        ]);
        if (!live()) return;
        setWindows(w);
        setGroups(g);
        setEndpoints(e);
        setLoadError(null);
      } catch (err) {
        if (live()) setLoadError(err instanceof Error ? err.message : String(err));
      }
    },
    10_000,
    [],
  );
  const names = useMemo(() => new Map([...groups, ...endpoints].map((x) => [x.id, x.name])), [groups, endpoints]);
  const nameOf = (id: string) => names.get(id) ?? `${id} (deleted)`;

  return (
    <section>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Maintenance windows
        </h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add window
        </button>
      </div>
      <p className="muted">
        While a window is in force, checks go on and are recorded, but no up, down or degraded event is sent; when it ends, the endpoint's
        real status is announced once if it changed. The board shows{' '}
        <span className="badge maintenance">
          <span aria-hidden="true" className="glyph">
            ⚒
          </span>
          maintenance
        </span>{' '}
        meanwhile.
      </p>
      {loadError && (
        <p className="banner error" role="alert">
          {loadError}
        </p>
      )}
      {windows === null ? (
        <p className="muted">Loading maintenance windows…</p>
      ) : windows.length === 0 ? (
        <Empty title="No maintenance windows yet.">
          <p>Add a window for planned work, once or recurring (say every Sunday at 02:00), so it does not page anyone.</p>
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add your first window
          </button>
        </Empty>
      ) : (
        <table className="data" data-testid="maintenance-windows">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">When</th>
              <th scope="col">Applies to</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {windows.map((w) => (
              <tr key={w.id} data-window-id={w.id} data-kind={w.kind}>
                <th scope="row" data-label="Name">
                  {w.name}
                  <span className="sub mono">{w.id}</span>
                </th>
                <td data-label="When">
                  <WindowWhen w={w} now={now} />
                </td>
                <td data-label="Applies to" data-testid="scope">
                  {w.scope === 'account' ? (
                    'every endpoint'
                  ) : w.scope === 'groups' ? (
                    <>
                      {w.group_ids.length === 1 ? 'group' : 'groups'} {w.group_ids.map(nameOf).join(', ')}
                    </>
                  ) : (
                    w.endpoint_ids.map((id, i) => (
                      <span key={id}>
                        {i > 0 && ', '}
                        {names.has(id) ? <a href={href('endpoints', id)}>{nameOf(id)}</a> : nameOf(id)}
                      </span>
                    ))
                  )}
                </td>
                <td data-label="Actions" className="row-actions">
                  <button type="button" className="small" onClick={() => setEditing(w)}>
                    Edit<span className="visually-hidden"> {w.name}</span>
                  </button>
                  <button type="button" className="small danger" onClick={() => setDeleting(w)}>
                    Delete<span className="visually-hidden"> {w.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editing && (
        <Dialog
          title={editing === 'new' ? 'Add a maintenance window' : `Edit ${editing.name}`}
          onClose={() => setEditing(null)}
          className="wide"
        >
          <MaintenanceWindowForm
            key={editing === 'new' ? 'new' : editing.id}
            idPrefix={editing === 'new' ? 'mw-new' : 'mw-edit'}
            initial={editing === 'new' ? undefined : editing}
            groups={groups}
            endpoints={endpoints}
            submitLabel={editing === 'new' ? 'Add window' : 'Save window'}
            onCancel={() => setEditing(null)}
            onSubmit={async (input) => {
              const saved =
                editing === 'new'
                  ? await api.post<MaintenanceWindow>('/v1/maintenance-windows', input)
                  : await api.patch<MaintenanceWindow>(`/v1/maintenance-windows/${encodeURIComponent(editing.id)}`, input);
              setWindows((l) =>
                l?.some((x) => x.id === saved.id) ? l.map((x) => (x.id === saved.id ? saved : x)) : [...(l ?? []), saved],
              );
              setEditing(null);
              refresh();
            }}
          />
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete window"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api.del(`/v1/maintenance-windows/${encodeURIComponent(deleting.id)}`);
            setWindows((l) => l?.filter((x) => x.id !== deleting.id) ?? null);
            setDeleting(null);
            refresh();
          }}
        >
          <p>
            The endpoints it covers are no longer held in maintenance by it, and their uptime history no longer counts its past periods as
            maintenance (history uses the windows as they are now).
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
