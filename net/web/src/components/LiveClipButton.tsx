// Channel page, while live and signed in: Clip cuts the last 30 s of the stream (the server's
// default) and opens the clip's page, where it renders.
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { clipPath, createClip } from '../clipApi';
import { navigate } from '../router';
import { useAlive } from './useAlive';

export function LiveClipButton({ channel, token }: { channel: string; token: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  async function clip() {
    setBusy(true);
    setError(null);
    try {
      navigate(clipPath((await createClip(token, { channel })).id));
    } catch (e) {
      if (!alive.current) return;
      // e.g. the recording has not started yet, or the channel keeps it from this viewer.
      setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
      setBusy(false);
    }
  }

  return (
    <>
      <button class="btn" id="clip-button" type="button" disabled={busy} title="Clip the last 30 seconds" onClick={() => void clip()}>
        {busy ? 'Clipping…' : 'Clip'}
      </button>
      {error && (
        <p class="form-error" role="alert" id="clip-error">
          {error}
        </p>
      )}
    </>
  );
}
