// The target of a tcp, tls or dns endpoint (docs/BEHAVIOUR.md, "Check types"): its form fields, used by the add
// dialog and the endpoint's settings, and the one-line description the board and the endpoint page show.
import type { Endpoint } from '../api.ts';
import { describedBy, Field, type FormErrors } from '../lib.tsx';

export type EndpointType = Endpoint['type'];
type Target = NonNullable<Endpoint['target']>;
type RecordType = NonNullable<Target['record_type']>;

export const ENDPOINT_TYPES: Array<{ type: EndpointType; label: string }> = [
  { type: 'http', label: 'http: request a URL' },
  { type: 'tcp', label: 'tcp: open a connection (optionally TLS)' },
  { type: 'tls', label: 'tls: read the certificate only' },
  { type: 'dns', label: 'dns: resolve a record' },
  { type: 'push', label: 'push: your infrastructure sends results' },
];
const RECORD_TYPES: RecordType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'];

/** The API's field names a target form shows errors for (the most specific one wins). */
export const TARGET_FIELDS = [
  'target',
  'target.host',
  'target.port',
  'target.tls',
  'target.record_type',
  'target.expected_values',
  'target.resolver',
];

export const hasTarget = (type: EndpointType) => type === 'tcp' || type === 'tls' || type === 'dns';

export interface TargetForm {
  host: string;
  port: string;
  tls: boolean;
  record_type: RecordType;
  expected_values: string;
  resolver: string;
}

export const emptyTargetForm: TargetForm = { host: '', port: '', tls: false, record_type: 'A', expected_values: '', resolver: '' };

export function targetToForm(t: Endpoint['target']): TargetForm {
  if (!t) return emptyTargetForm;
  return {
    host: t.host,
    port: t.port === undefined ? '' : String(t.port),
    tls: t.tls ?? false,
    record_type: t.record_type ?? 'A',
    expected_values: (t.expected_values ?? []).join('\n'),
    resolver: t.resolver ?? '',
  };
}

/** The `target` to send for a type; a blank port is left out (tls then uses 443, tcp answers a 400 naming it). */
export function formToTarget(type: EndpointType, f: TargetForm): Target | null {
  const port = f.port.trim() === '' ? undefined : Number(f.port.trim());
  if (type === 'tcp') return { host: f.host.trim(), ...(port !== undefined && { port }), tls: f.tls };
  if (type === 'tls') return { host: f.host.trim(), ...(port !== undefined && { port }) };
  if (type === 'dns') {
    const values = f.expected_values
      .split('\n')
      .map((v) => v.trim())
      .filter(Boolean);
    return {
      host: f.host.trim(),
      record_type: f.record_type,
      expected_values: values.length > 0 ? values : null,
      resolver: f.resolver.trim() || null,
    };
  }
  return null;
}

/** What an endpoint checks, in one line: its URL, `tcp://host:port`, `A app.example.com @ 192.0.2.53`, … */
export function describeTarget(e: Pick<Endpoint, 'type' | 'url' | 'target'>): string {
  const t = e.target;
  if (e.type === 'push') return 'push (results sent to VantaStatus)';
  if (!t) return e.url ?? '';
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  if (e.type === 'dns') {
    const expected = t.expected_values?.length ? ` = ${t.expected_values.join(', ')}` : '';
    return `${t.record_type} ${t.host}${t.resolver ? ` @ ${t.resolver}` : ''}${expected}`;
  }
  if (e.type === 'tls') return `tls://${host}:${t.port ?? 443}`;
  return `${t.tls ? 'tcp+tls' : 'tcp'}://${host}:${t.port}`;
}

export function TargetFields(props: {
  idPrefix: string;
  type: EndpointType;
  form: TargetForm;
  onChange: (patch: Partial<TargetForm>) => void;
  errors: FormErrors;
}) {
  const { idPrefix: p, type, form, onChange } = props;
  const f = props.errors.fields;
  if (!hasTarget(type)) return null;
  const hostError = f['target.host'] ?? f.target;
  return (
    <>
      <div className="row">
        <Field
          id={`${p}-host`}
          label={type === 'dns' ? 'Name to resolve' : 'Host'}
          error={hostError}
          hint={type === 'dns' ? 'e.g. app.example.com' : 'a host name or an IP address'}
        >
          <input {...describedBy(`${p}-host`, hostError, true)} value={form.host} onChange={(e) => onChange({ host: e.target.value })} />
        </Field>
        {type === 'dns' ? (
          <Field id={`${p}-record`} label="Record type" error={f['target.record_type']} className="narrow">
            <select
              {...describedBy(`${p}-record`, f['target.record_type'])}
              value={form.record_type}
              onChange={(e) => onChange({ record_type: e.target.value as RecordType })}
            >
              {RECORD_TYPES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        ) : (
          <Field
            id={`${p}-port`}
            label="Port"
            error={f['target.port']}
            className="narrow"
            hint={type === 'tls' ? 'default 443' : undefined}
          >
            <input
              {...describedBy(`${p}-port`, f['target.port'], type === 'tls')}
              inputMode="numeric"
              value={form.port}
              onChange={(e) => onChange({ port: e.target.value })}
            />
          </Field>
        )}
      </div>
      {type === 'tcp' && (
        <div className="checks">
          <label>
            <input type="checkbox" checked={form.tls} onChange={(e) => onChange({ tls: e.target.checked })} /> TLS handshake after
            connecting (checks the certificate and its expiry)
          </label>
        </div>
      )}
      {type === 'dns' && (
        <div className="row">
          <Field
            id={`${p}-expected`}
            label="Expected values"
            error={f['target.expected_values']}
            hint="one per line (MX as “10 mail.example.com”); empty: any answer is up"
          >
            <textarea
              {...describedBy(`${p}-expected`, f['target.expected_values'], true)}
              rows={3}
              value={form.expected_values}
              onChange={(e) => onChange({ expected_values: e.target.value })}
            />
          </Field>
          <Field id={`${p}-resolver`} label="Resolver" error={f['target.resolver']} hint="ip or ip:port; empty: the system's resolvers">
            <input
              {...describedBy(`${p}-resolver`, f['target.resolver'], true)}
              value={form.resolver}
              onChange={(e) => onChange({ resolver: e.target.value })}
            />
          </Field>
        </div>
      )}
    </>
  );
}
