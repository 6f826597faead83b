// Settings → Account and groups: the account's delivery settings, and each group's overrides with the values it
// inherits shown beside them.
import { useState, type FormEvent } from 'react';
import { api, listAll, type Account, type Group, type Settings } from '../api.ts';
import {
  ConfirmDialog,
  describedBy,
  Empty,
  Field,
  GeneralError,
  humanSeconds,
  listToText,
  noErrors,
  textToNumbers,
  toFormErrors,
  toNum,
  usePageHeading,
  usePoll,
  type FormErrors,
} from '../lib.tsx';
import { WithUnit } from '../components/Unit.tsx';

type Key = keyof Settings;
const KEYS: Key[] = ['retry_schedule_sec', 'expiry_sec', 'timeout_sec'];
const LABEL: Record<Key, string> = {
  retry_schedule_sec: 'Retry schedule (s)',
  expiry_sec: 'Expiry (s)',
  timeout_sec: 'Attempt timeout (s)',
};
const HINT: Record<Key, string> = {
  retry_schedule_sec: 'Seconds between attempts, comma-separated; the last one repeats. 1–20 entries.',
  expiry_sec: 'No attempt starts later than this after the event (60 – 604800).',
  timeout_sec: 'One deadline per attempt: DNS, connect, TLS and the full response (1 – 30).',
};

function describeSetting(k: Key, v: Settings[Key]): string {
  if (k === 'retry_schedule_sec') {
    const l = v as number[];
    return `${l.map(humanSeconds).join(', ')}${l.length ? `, then every ${humanSeconds(l[l.length - 1]!)}` : ''}`;
  }
  return humanSeconds(v as number);
}

const settingText = (k: Key, v: Settings[Key] | undefined) =>
  v === undefined ? '' : k === 'retry_schedule_sec' ? listToText(v as number[]) : String(v);
const textSetting = (k: Key, s: string) => (k === 'retry_schedule_sec' ? textToNumbers(s) : toNum(s));

export function AccountPage() {
  const heading = usePageHeading('Account and groups');
  const [account, setAccount] = useState<Account | null>(null);
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [version, setVersion] = useState(0);

  const reload = usePoll(
    async (live) => {
      const [a, g] = await Promise.all([api.get<Account>('/v1/account'), listAll<Group>('/v1/groups')]);
      if (!live()) return;
      setAccount(a);
      setGroups(g);
    },
    60_000,
    [version],
  );

  return (
    <section>
      <p className="crumbs">Settings ›</p>
      <h1 ref={heading} tabIndex={-1}>
        Account and groups
      </h1>
      {!account || !groups ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <AccountSettings key={account.id} account={account} onSaved={() => setVersion((v) => v + 1)} />
          <div className="card">
            <h2>Groups</h2>
            <p className="hint">
              A group's endpoints can have their own webhooks, and a group can override any delivery setting. A field it does not override
              follows the account's value, also after the account changes.
            </p>
            {groups.length === 0 ? (
              <Empty title="No groups yet.">
                <p>Create a group below, then put endpoints in it from their page or when you add them.</p>
              </Empty>
            ) : (
              groups.map((g) => (
                <GroupCard key={`${g.id}:${g.name}:${JSON.stringify(g.settings)}`} group={g} account={account} onChanged={reload} />
              ))
            )}
            <NewGroup onCreated={reload} />
          </div>
        </>
      )}
    </section>
  );
}

function AccountSettings({ account, onSaved }: { account: Account; onSaved: () => void }) {
  const [form, setForm] = useState<Record<Key, string>>(() => ({
    retry_schedule_sec: settingText('retry_schedule_sec', account.settings.retry_schedule_sec),
    expiry_sec: settingText('expiry_sec', account.settings.expiry_sec),
    timeout_sec: settingText('timeout_sec', account.settings.timeout_sec),
  }));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const settings = Object.fromEntries(KEYS.map((k) => [k, textSetting(k, form[k])]));
      await api.patch<Account>('/v1/account', { settings });
      setErrors(noErrors);
      setSaved(true);
      onSaved();
    } catch (err) {
      const fe = toFormErrors(
        err,
        KEYS.map((k) => `settings.${k}`),
      );
      setErrors({
        general: fe.general,
        fields: Object.fromEntries(Object.entries(fe.fields).map(([k, v]) => [k.replace('settings.', ''), v])),
      });
      setSaved(false);
    }
  };
  return (
    <form className="card stack settings-form" onSubmit={submit} noValidate aria-labelledby="account-settings-title">
      <h2 id="account-settings-title">Account delivery settings</h2>
      <p className="hint">
        Account <span className="mono">{account.name}</span> ({account.id}). These apply to every delivery, except where a group overrides
        them.
      </p>
      <GeneralError errors={errors} />
      {KEYS.map((k) => (
        <Field
          key={k}
          id={`acct-${k}`}
          label={LABEL[k]}
          error={errors.fields[k]}
          hint={`${HINT[k]} Now: ${describeSetting(k, account.settings[k])}.`}
        >
          <WithUnit unit="seconds">
            <input
              {...describedBy(`acct-${k}`, errors.fields[k], true)}
              value={form[k]}
              onChange={(e) => {
                setSaved(false);
                setForm((f) => ({ ...f, [k]: e.target.value }));
              }}
            />
          </WithUnit>
        </Field>
      ))}
      <div className="actions">
        <span className="hint" aria-live="polite">
          {saved ? 'Saved. Deliveries that start from now on use these settings.' : ''}
        </span>
        <button type="submit" className="primary">
          Save account settings
        </button>
      </div>
    </form>
  );
}

function GroupCard({ group, account, onChanged }: { group: Group; account: Account; onChanged: () => void }) {
  const [name, setName] = useState(group.name);
  const [override, setOverride] = useState<Record<Key, boolean>>(() => ({
    retry_schedule_sec: group.settings.retry_schedule_sec !== undefined,
    expiry_sec: group.settings.expiry_sec !== undefined,
    timeout_sec: group.settings.timeout_sec !== undefined,
  }));
  const [form, setForm] = useState<Record<Key, string>>(() => ({
    retry_schedule_sec: settingText('retry_schedule_sec', group.effective_settings.retry_schedule_sec),
    expiry_sec: settingText('expiry_sec', group.effective_settings.expiry_sec),
    timeout_sec: settingText('timeout_sec', group.effective_settings.timeout_sec),
  }));
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [deleting, setDeleting] = useState(false);
  const p = `grp-${group.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const settings = Object.fromEntries(KEYS.map((k) => [k, override[k] ? textSetting(k, form[k]) : null]));
      await api.patch<Group>(`/v1/groups/${encodeURIComponent(group.id)}`, { ...(name !== group.name && { name }), settings });
      setErrors(noErrors);
      onChanged();
    } catch (err) {
      const fe = toFormErrors(err, ['name', ...KEYS.map((k) => `settings.${k}`)], { group_name_taken: 'name' });
      setErrors({
        general: fe.general,
        fields: Object.fromEntries(Object.entries(fe.fields).map(([k, v]) => [k.replace('settings.', ''), v])),
      });
    }
  };

  return (
    <form className="group-card stack" onSubmit={submit} noValidate aria-label={`Group ${group.name}`} data-group-id={group.id}>
      <div className="row">
        <Field id={`${p}-name`} label="Group name" error={errors.fields.name}>
          <input {...describedBy(`${p}-name`, errors.fields.name)} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <p className="mono muted group-id">{group.id}</p>
      </div>
      <GeneralError errors={errors} />
      <table className="data settings-table">
        <thead>
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">Override</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {KEYS.map((k) => (
            <tr key={k} data-setting={k}>
              <th scope="row" data-label="Setting">
                {LABEL[k]}
              </th>
              <td data-label="Override">
                <label>
                  <input
                    type="checkbox"
                    checked={override[k]}
                    onChange={(e) => {
                      const on = e.target.checked;
                      setOverride((o) => ({ ...o, [k]: on }));
                      if (!on) setForm((f) => ({ ...f, [k]: settingText(k, account.settings[k]) }));
                    }}
                  />{' '}
                  override
                </label>
              </td>
              <td data-label="Value">
                {override[k] ? (
                  <>
                    <WithUnit unit="seconds">
                      <input
                        {...describedBy(`${p}-${k}`, errors.fields[k])}
                        aria-label={`${LABEL[k]} for group ${group.name}`}
                        value={form[k]}
                        onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value }))}
                      />
                    </WithUnit>
                    {errors.fields[k] && (
                      <p className="field-error" id={`${p}-${k}-error`}>
                        {errors.fields[k]}
                      </p>
                    )}
                    <span className="sub">account: {settingText(k, account.settings[k])} s</span>
                  </>
                ) : (
                  <span className="inherited" data-inherited={k}>
                    {settingText(k, account.settings[k])} s{' '}
                    <span className="muted">(inherited from the account: {describeSetting(k, account.settings[k])})</span>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="danger small" onClick={() => setDeleting(true)}>
          Delete group
        </button>
        <button type="submit" className="primary small">
          Save group
        </button>
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete group ${group.name}?`}
          confirmLabel="Delete group"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.del(`/v1/groups/${encodeURIComponent(group.id)}`);
            setDeleting(false);
            onChanged();
          }}
        >
          <p>
            Its endpoints stay, ungrouped, and use the account's settings from then on. A group that still has webhooks cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </form>
  );
}

function NewGroup({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post<Group>('/v1/groups', { name });
      setName('');
      setErrors(noErrors);
      onCreated();
    } catch (err) {
      setErrors(toFormErrors(err, ['name'], { group_name_taken: 'name' }));
    }
  };
  return (
    <form className="stack new-group" onSubmit={submit} noValidate aria-label="New group">
      <h3>New group</h3>
      <GeneralError errors={errors} />
      <div className="row end">
        <Field id="new-group-name" label="Name" error={errors.fields.name}>
          <input
            {...describedBy('new-group-name', errors.fields.name)}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. payments"
          />
        </Field>
        <button type="submit" className="primary">
          Create group
        </button>
      </div>
    </form>
  );
}
