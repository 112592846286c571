// The signed-in viewer's subscription to a channel, read when the channel opens and again when
// the room's `gift` frame names them as a recipient of gifted subs.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { fetchMySub, giftedTo, type SubStatus } from './subsApi';

export function useMySub(channel: string): [SubStatus | null, (s: SubStatus) => void] {
  const session = useSession();
  const [status, setStatus] = useState<SubStatus | null>(null);
  const [epoch, setEpoch] = useState(0);
  const account = hasAccount(session) ? session : null;
  const token = account?.token ?? null;
  useEffect(() => {
    setStatus(null);
    // A hosted room ("tournament:<id>") is no channel: nobody subscribes to it.
    if (!token || channel.includes(':')) return;
    let live = true;
    fetchMySub(channel, token)
      .then((s) => live && setStatus(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [channel, token, epoch]);
  useRoomFrames(channel, (f) => {
    if (account && giftedTo(f, account.username)) setEpoch((n) => n + 1);
  });
  return [status, setStatus];
}

/** The viewer's tier (0 when not subscribed): sub emotes above it are locked. */
export function useMySubTier(channel: string): number {
  const [status] = useMySub(channel);
  return status?.subscribed ? status.tier : 0;
}
