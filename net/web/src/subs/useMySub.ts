// The signed-in viewer's subscription to a channel, read when the channel opens and again when
// `epoch` changes (after subscribing, cancelling or a chat `gift` frame naming them).
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { fetchMySub, type SubStatus } from './subsApi';

export function useMySub(channel: string, epoch = 0): [SubStatus | null, (s: SubStatus) => void] {
  const session = useSession();
  const [status, setStatus] = useState<SubStatus | null>(null);
  const token = hasAccount(session) ? session.token : null;
  useEffect(() => {
    setStatus(null);
    if (!token) return;
    let live = true;
    fetchMySub(channel, token)
      .then((s) => live && setStatus(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [channel, token, epoch]);
  return [status, setStatus];
}

/** The viewer's tier (0 when not subscribed): sub emotes above it are locked. */
export function useMySubTier(channel: string): number {
  const [status] = useMySub(channel);
  return status?.subscribed ? status.tier : 0;
}
