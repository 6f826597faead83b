// The editor for an http endpoint's content assertions (docs/BEHAVIOUR.md, "Content assertions"): one row per
// assertion, each with its kind, its comparison, what it looks at (a JSON path or a header name) and its value.
// The API judges every row; its errors come back naming `assertions.<n>.<field>` and show under that row.
import { ApiError, type Endpoint } from '../api.ts';
import { FieldSet } from '../lib.tsx';
import { WithUnit } from './Unit.tsx';

type Assertion = Endpoint['assertions'][number];
type Kind = Assertion['type'];

/** One row as the form holds it: strings, converted to the API's shape on save. */
export interface AssertionRow {
  type: Kind;
  op: string;
  /** the JSON path or the header name */
  target: string;
  value: string;
}

const KINDS: Array<[Kind, string]> = [
  ['body', 'Body'],
  ['json', 'JSON path'],
  ['header', 'Header'],
  ['response_time', 'Response time'],
];
const OPS: Record<Kind, Array<[string, string]>> = {
  body: [
    ['contains', 'contains'],
    ['not_contains', 'does not contain'],
    ['matches', 'matches (RE2)'],
    ['not_matches', 'does not match (RE2)'],
  ],
  json: [
    ['equals', 'equals'],
    ['exists', 'exists'],
    ['lt', '<'],
    ['lte', '<='],
    ['gt', '>'],
    ['gte', '>='],
  ],
  header: [
    ['equals', 'equals'],
    ['matches', 'matches (RE2)'],
  ],
  response_time: [['lt', 'below (ms)']],
};
const TARGET_PLACEHOLDER: Partial<Record<Kind, string>> = { json: '$.status', header: 'Content-Type' };

// A JSON `equals` value is typed as JSON when it reads as a number, true, false, null or a quoted string; anything
// else is a plain string, so `ok` and `"ok"` both mean the string ok, and `"200"` the string 200.
const JSON_LITERAL = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|".*")$/;

export function assertionsToRows(list: Endpoint['assertions']): AssertionRow[] {
  return list.map((a) => {
    const value = 'value' in a && a.value !== undefined ? a.value : '';
    const shown = typeof value === 'string' && !(a.type === 'json' && JSON_LITERAL.test(value)) ? value : JSON.stringify(value);
    const target = a.type === 'json' ? a.path : a.type === 'header' ? a.name : '';
    return { type: a.type, op: a.op, target, value: a.type === 'json' && a.op === 'exists' ? '' : shown };
  });
}

/** The API's shape; a value the API would refuse (a comparison with text) is sent as typed, so its 400 names the row. */
export function rowsToAssertions(rows: AssertionRow[]): unknown[] {
  return rows.map((r) => {
    const num = r.value.trim() !== '' && Number.isFinite(Number(r.value)) ? Number(r.value) : r.value;
    switch (r.type) {
      case 'body':
        return { type: 'body', op: r.op, value: r.value };
      case 'header':
        return { type: 'header', name: r.target, op: r.op, value: r.value };
      case 'response_time':
        return { type: 'response_time', op: r.op, value: num };
      case 'json': {
        if (r.op === 'exists') return { type: 'json', path: r.target, op: r.op };
        if (r.op !== 'equals') return { type: 'json', path: r.target, op: r.op, value: num };
        const v = r.value.trim();
        return { type: 'json', path: r.target, op: r.op, value: JSON_LITERAL.test(v) ? (JSON.parse(v) as unknown) : r.value };
      }
    }
  });
}

/** A 400's issues about assertions: those naming a row (`assertions.2.value`) by row, the rest about the list. */
export function assertionErrors(err: unknown): { list?: string; rows: Record<number, string> } {
  const out: { list?: string; rows: Record<number, string> } = { rows: {} };
  if (!(err instanceof ApiError)) return out;
  for (const issue of err.fieldIssues) {
    const m = /^assertions(?:\.(\d+)(?:\.(.+))?)?$/.exec(issue.field);
    if (!m) continue;
    if (m[1] === undefined) out.list ??= issue.message;
    else out.rows[Number(m[1])] ??= m[2] ? `${m[2]}: ${issue.message}` : issue.message;
  }
  return out;
}

export function AssertionsEditor(props: {
  id: string;
  rows: AssertionRow[];
  onChange: (rows: AssertionRow[]) => void;
  /** an error about the whole list */
  error?: string;
  /** errors by row index */
  rowErrors: Record<number, string>;
}) {
  const { id, rows, onChange } = props;
  const set = (i: number, patch: Partial<AssertionRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <FieldSet
      id={id}
      legend="Assertions"
      error={props.error}
      hint="Every assertion must hold for a check to succeed; the first that fails is named in the endpoint.down event. Patterns use RE2 syntax."
    >
      {rows.length === 0 && <p className="muted">No assertions: a check succeeds on an expected status.</p>}
      <ol className="assertion-list">
        {rows.map((r, i) => {
          const n = i + 1;
          const err = props.rowErrors[i];
          const hasTarget = r.type === 'json' || r.type === 'header';
          const hasValue = !(r.type === 'json' && r.op === 'exists');
          return (
            <li key={i} className={`assertion-row ${err ? 'has-error' : ''}`} data-testid="assertion-row">
              <select
                aria-label={`Assertion ${n} kind`}
                value={r.type}
                onChange={(e) => {
                  const type = e.target.value as Kind;
                  set(i, { type, op: OPS[type][0]![0], target: '' });
                }}
              >
                {KINDS.map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
              {!hasTarget && <span aria-hidden="true" />}
              {hasTarget && (
                <input
                  aria-label={`Assertion ${n} ${r.type === 'json' ? 'path' : 'header name'}`}
                  placeholder={TARGET_PLACEHOLDER[r.type]}
                  value={r.target}
                  onChange={(e) => set(i, { target: e.target.value })}
                />
              )}
              <select aria-label={`Assertion ${n} comparison`} value={r.op} onChange={(e) => set(i, { op: e.target.value })}>
                {OPS[r.type].map(([op, label]) => (
                  <option key={op} value={op}>
                    {label}
                  </option>
                ))}
              </select>
              {!hasValue && <span aria-hidden="true" />}
              {hasValue && (
                <WithUnit unit={r.type === 'response_time' ? 'milliseconds' : null}>
                  <input
                    aria-label={`Assertion ${n} value`}
                    placeholder={r.type === 'response_time' ? '500' : 'Value'}
                    inputMode={r.type === 'response_time' ? 'numeric' : undefined}
                    value={r.value}
                    aria-invalid={err ? true : undefined}
                    aria-describedby={err ? `${id}-row-${i}-error` : undefined}
                    onChange={(e) => set(i, { value: e.target.value })}
                  />
                </WithUnit>
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove assertion ${n}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                ✕
              </button>
              {err && (
                <p className="field-error" id={`${id}-row-${i}-error`}>
                  {err}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" className="small" onClick={() => onChange([...rows, { type: 'body', op: 'contains', target: '', value: '' }])}>
        Add assertion
      </button>
    </FieldSet>
  );
}
