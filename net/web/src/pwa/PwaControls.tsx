// The header's Install button (shown only when the browser offered to install the app) and the
// inbox's "Notify me on this device" toggle (web push for go-lives of followed channels).
import { useEffect, useState } from 'preact/hooks';
import { devicePushEnabled, disableDevicePush, enableDevicePush, onInstallAvailable, promptInstall, pushSupported } from './pwa';

export function InstallButton() {
  const [available, setAvailable] = useState(false);
  useEffect(() => onInstallAvailable(setAvailable), []);
  if (!available) return null;
  return (
    <button type="button" class="btn install-app" id="install-app" onClick={() => void promptInstall()}>
      Install app
    </button>
  );
}

export function DevicePushToggle({ token }: { token: string }) {
  const [state, setState] = useState<'unknown' | 'on' | 'off' | 'busy'>('unknown');
  const [error, setError] = useState('');
  useEffect(() => {
    if (!pushSupported()) return;
    devicePushEnabled(token)
      .then((on) => setState(on ? 'on' : 'off'))
      .catch(() => setState('off'));
  }, [token]);
  if (!pushSupported()) return null;
  const toggle = (on: boolean) => {
    setState('busy');
    setError('');
    (on ? enableDevicePush(token) : disableDevicePush(token))
      .then(() => setState(on ? 'on' : 'off'))
      .catch((e: unknown) => {
        setError(e instanceof Error ? e.message : 'Could not change push notifications.');
        setState(on ? 'off' : 'on');
      });
  };
  return (
    <label class="device-push" id="device-push">
      <input
        type="checkbox"
        checked={state === 'on'}
        disabled={state === 'busy' || state === 'unknown'}
        onChange={(e) => toggle((e.target as HTMLInputElement).checked)}
      />
      Notify me on this device
      {error && <span class="notice device-push-error">{error}</span>}
    </label>
  );
}
