// Status pages: the account's public status pages (what each shows, where), adding, editing and deleting one. Each
// page's own screen (StatusPageScreen) has its announcements and badges.
import { useState } from 'react';
import { listAll, type Endpoint, type Group, type StatusPage } from '../api.ts';
import { DeleteStatusPageDialog, StatusPageDialog } from '../components/StatusPageDialogs.tsx';
import { Empty, href, navigate, usePageHeading } from '../lib.tsx';
import { usePolled } from '../usePolled.ts';

export function StatusPages() {
  const heading = usePageHeading('Status pages');
  const [editing, setEditing] = useState<StatusPage | 'new' | null>(null);
  const [deleting, setDeleting] = useState<StatusPage | null>(null);
  const {
    data,
    setData,
    error: loadError,
    refresh,
  } = usePolled(
    async () => {
      const [pages, endpoints, groups] = await Promise.all([
        listAll<StatusPage>('/v1/status-pages'),
        listAll<Endpoint>('/v1/endpoints'),
        listAll<Group>('/v1/groups'),
      ]);
      return { pages, endpoints, groups };
    },
    15_000,
    [],
  );
  const pages = data?.pages ?? null;

  return (
    <section>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Status pages
        </h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add status page
        </button>
      </div>
      <p className="muted">
        A public page (no key needed) showing the status, 90-day uptime and announcements of the endpoints and groups you choose, under
        labels you choose: visitors never see an endpoint's name, URL or id.
      </p>
      {loadError && (
        <p className="banner error" role="alert">
          {loadError}
        </p>
      )}
      {pages === null ? (
        <p className="muted">Loading status pages…</p>
      ) : pages.length === 0 ? (
        <Empty title="No status pages yet.">
          <p>Tell your users what is up and what is down, with badges for your README.</p>
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add your first status page
          </button>
        </Empty>
      ) : (
        <table className="data" data-testid="status-pages">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Public address</th>
              <th scope="col">Visibility</th>
              <th scope="col">Items</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pages.map((p) => (
              <tr key={p.id} data-status-page-id={p.id}>
                <th scope="row" data-label="Title">
                  <a href={href('status-pages', p.id)}>{p.title}</a>
                </th>
                <td data-label="Public address">
                  <a href={`/status/${encodeURIComponent(p.slug)}`} target="_blank" rel="noopener noreferrer" className="mono">
                    /status/{p.slug}
                  </a>
                  {p.custom_domains.map((d) => (
                    <span key={d} className="sub mono">
                      {d}
                    </span>
                  ))}
                </td>
                <td data-label="Visibility">{p.visibility}</td>
                <td data-label="Items">{p.items.length}</td>
                <td data-label="Actions" className="row-actions">
                  <button type="button" className="small" onClick={() => setEditing(p)}>
                    Edit<span className="visually-hidden"> {p.title}</span>
                  </button>
                  <button type="button" className="small danger" onClick={() => setDeleting(p)}>
                    Delete<span className="visually-hidden"> {p.title}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <StatusPageDialog
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing}
          endpoints={data?.endpoints ?? []}
          groups={data?.groups ?? []}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            if (editing === 'new') navigate(href('status-pages', saved.id));
            else refresh();
          }}
        />
      )}
      {deleting && (
        <DeleteStatusPageDialog
          page={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setData((d) => d && { ...d, pages: d.pages.filter((x) => x.id !== deleting.id) });
            setDeleting(null);
            refresh();
          }}
        />
      )}
    </section>
  );
}
