// The signed-in user's friend lists, loaded from me/friends and kept current by our own calls
// and the `friend` frames of the "messages" topic. Used by the friends page and the channel
// page's owner actions.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useResubscribed, useTopic } from '../live/LiveContext';
import {
  EMPTY_FRIENDS,
  acceptFriend,
  addFriend,
  applyBlock,
  applyFriendState,
  applyPresence,
  fetchFriends,
  parseFriendChange,
  removeFriend,
  setBlocked,
  type FriendLists,
} from '../friendsApi';
import { useAlive } from './useAlive';

export type FriendAction = 'add' | 'accept' | 'remove' | 'block' | 'unblock';

export interface Friends {
  lists: FriendLists;
  /** False until the first load answered (or failed). */
  loaded: boolean;
  loadError: string | null;
  /** The user an action is in flight for. */
  busy: string | null;
  /** The last action's failure, with the user it was about. */
  error: { user: string; text: string } | null;
  /** Runs an action; true when the server took it. */
  act(user: string, action: FriendAction): Promise<boolean>;
}

export function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : 'Could not reach the server.';
}

export function useFriends(token: string): Friends {
  const [lists, setLists] = useState<FriendLists>(EMPTY_FRIENDS);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ user: string; text: string } | null>(null);
  const alive = useAlive();

  const load = () => {
    fetchFriends(token)
      .then((l) => {
        if (!alive.current) return;
        setLists(l);
        setLoadError(null);
      })
      .catch((e) => alive.current && setLoadError(errorText(e)))
      .finally(() => alive.current && setLoaded(true));
  };
  useEffect(load, [token]);
  useResubscribed('messages', load);

  useTopic('messages', (frame) => {
    if (frame.type === 'friend_presence') return setLists((l) => applyPresence(l, frame));
    if (frame.type !== 'friend') return;
    const change = parseFriendChange(frame);
    if (change) setLists((l) => applyFriendState(l, change.user, change.state, 'them', Date.now()));
  });

  async function act(user: string, action: FriendAction): Promise<boolean> {
    setBusy(user);
    setError(null);
    try {
      if (action === 'block' || action === 'unblock') {
        const blocked = await setBlocked(token, user, action === 'block');
        if (alive.current) setLists((l) => applyBlock(l, user, blocked, Date.now()));
      } else {
        const call = action === 'add' ? addFriend : action === 'accept' ? acceptFriend : removeFriend;
        const state = await call(token, user);
        if (alive.current) setLists((l) => applyFriendState(l, user, state, 'me', Date.now()));
      }
      return true;
    } catch (e) {
      if (alive.current) setError({ user, text: errorText(e) });
      return false;
    } finally {
      if (alive.current) setBusy(null);
    }
  }

  return { lists, loaded, loadError, busy, error, act };
}
