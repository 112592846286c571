// The channel's roles: moderators, VIPs and editors, each removable, and a form to add one.
// Only the broadcaster may change them: others see the lists only (the node refuses them too).
import { useState } from 'preact/hooks';
import { errorText } from '../engagement/api';
import { fetchRoles, setRole } from './api';
import { CHANNEL_ROLES, type ChannelRole } from './model';
import { usePolled } from './usePolled';

const LABEL: Record<ChannelRole, string> = { moderator: 'Moderators', vip: 'VIPs', editor: 'Editors' };

export function RolesPanel({ channel, token, canEdit, onChanged }: { channel: string; token: string; canEdit: boolean; onChanged: () => void }) {
  const roles = usePolled(() => fetchRoles(token, channel), 0, [channel, token]);
  const [user, setUser] = useState('');
  const [role, setRoleKind] = useState<ChannelRole>('moderator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function change(name: string, kind: ChannelRole, on: boolean) {
    setBusy(true);
    setError(null);
    try {
      await setRole(token, channel, name, kind, on);
      if (on) setUser('');
      roles.reload();
      onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const add = (e: Event) => {
    e.preventDefault();
    const name = user.trim().replace(/^@/, '');
    if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) return setError('Enter an account name.');
    void change(name, role, true);
  };

  return (
    <section class="dash-card mod-panel" id="roles" data-state={roles.data ? 'ready' : 'loading'} aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      {CHANNEL_ROLES.map((kind) => (
        <div key={kind} class="mod-role-group" data-role={kind}>
          <h3 class="mod-subhead">{LABEL[kind]}</h3>
          {roles.data && roles.data[kind].length === 0 && <p class="muted">None.</p>}
          <ul class="mod-list">
            {roles.data?.[kind].map((name) => (
              <li key={name} data-testid="role-row" data-role={kind} data-user={name}>
                <span class="mod-user">{name}</span>
                {canEdit && (
                  <button type="button" class="btn btn-small" data-testid="role-remove" disabled={busy} onClick={() => change(name, kind, false)} aria-label={`Remove ${name} from ${LABEL[kind]}`}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {!canEdit && <p class="muted">Only the broadcaster appoints roles.</p>}
      {canEdit && (
        <form class="eng-row" onSubmit={add}>
          <label class="eng-label">
            Account
            <input class="eng-input" data-testid="role-user" value={user} maxLength={64} onInput={(e) => setUser((e.target as HTMLInputElement).value)} />
          </label>
          <label class="eng-label">
            Role
            <select class="eng-input" data-testid="role-kind" value={role} onChange={(e) => setRoleKind((e.target as HTMLSelectElement).value as ChannelRole)}>
              {CHANNEL_ROLES.map((k) => (
                <option key={k} value={k}>
                  {k === 'vip' ? 'VIP' : k}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn btn-small btn-primary" data-testid="role-add" disabled={busy}>
            Add
          </button>
        </form>
      )}
      {(error ?? roles.error) && (
        <p class="form-error" role="alert" data-testid="roles-error">
          {error ?? roles.error}
        </p>
      )}
    </section>
  );
}
