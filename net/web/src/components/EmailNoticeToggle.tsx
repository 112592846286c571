// The inbox's "Also e-mail me" switch: settings.email_notifications, which the node reads before
// it mails a go-live or a personal notice (a course's lesson reminder). Off until turned on.
import { useEffect, useState } from 'preact/hooks';
import { fetchMe, setEmailNotifications } from '../accountApi';

export function EmailNoticeToggle({ token }: { token: string }) {
  const [state, setState] = useState<'unknown' | 'on' | 'off' | 'busy' | 'no-address'>('unknown');
  const [error, setError] = useState('');
  useEffect(() => {
    fetchMe(token)
      .then((me) => setState(!me.email ? 'no-address' : me.emailNotifications ? 'on' : 'off'))
      .catch(() => setState('unknown'));
  }, [token]);
  if (state === 'unknown') return null;
  const toggle = (on: boolean) => {
    setState('busy');
    setError('');
    setEmailNotifications(token, on)
      .then((me) => setState(me.emailNotifications ? 'on' : 'off'))
      .catch((e: unknown) => {
        setError(e instanceof Error ? e.message : 'Could not change e-mail notices.');
        setState(on ? 'off' : 'on');
      });
  };
  return (
    <label class="device-push" id="email-notices">
      <input
        type="checkbox"
        checked={state === 'on'}
        disabled={state === 'busy' || state === 'no-address'}
        onChange={(e) => toggle((e.target as HTMLInputElement).checked)}
      />
      Also e-mail me notices and reminders
      {state === 'no-address' && <span class="muted"> (your account has no e-mail address)</span>}
      {error && <span class="notice device-push-error">{error}</span>}
    </label>
  );
}
