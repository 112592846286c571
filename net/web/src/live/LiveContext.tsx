// The page's one LiveConnection, shared through context: the chat panel, the notification bell
// and whatever comes next use the same socket. Its identity follows the session, else the
// guest nickname the chat panel picked.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { LiveConnection, type FrameListener, type LiveSnapshot } from './connection';

const GUEST_KEY = 'aethex.chat.guest';

interface Live {
  connection: LiveConnection;
  guest: string | null;
  /** Chats as `guest:<name>` from now on (this tab only). */
  setGuest(name: string): void;
}

const LiveContext = createContext<Live | null>(null);

function storedGuest(): string | null {
  try {
    return window.sessionStorage.getItem(GUEST_KEY);
  } catch {
    return null;
  }
}

export function LiveProvider({ children }: { children: ComponentChildren }) {
  const session = useSession();
  const [connection] = useState(() => new LiveConnection());
  const [guest, setGuestState] = useState<string | null>(storedGuest);
  // Set while rendering, not in an effect: children's effects (the chat panel joining its room)
  // run before this component's, and must not open the socket under a stale identity.
  connection.setIdentity(session ? { token: session.token } : guest ? { guest } : null);
  useEffect(() => () => connection.dispose(), [connection]);
  const live = useMemo<Live>(
    () => ({
      connection,
      guest,
      setGuest(name: string) {
        try {
          window.sessionStorage.setItem(GUEST_KEY, name);
        } catch {
          /* private mode: the name lasts for this page only */
        }
        setGuestState(name);
      },
    }),
    [connection, guest],
  );
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive() outside <LiveProvider>');
  return live;
}

/** The connection's status and confirmed topics, re-rendering on change. */
export function useLiveSnapshot(): LiveSnapshot {
  const { connection } = useLive();
  const [snapshot, setSnapshot] = useState(() => connection.snapshot());
  useEffect(() => {
    setSnapshot(connection.snapshot());
    return connection.onStatus(setSnapshot);
  }, [connection]);
  return snapshot;
}

/** Calls `listener` with every frame of `topic` while mounted (the latest listener, no resubscribe). */
export function useTopic(topic: string, listener: FrameListener): void {
  const { connection } = useLive();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => connection.subscribe(topic, (f) => latest.current(f)), [connection, topic]);
}

/**
 * Calls `reload` whenever the server confirms `topic` again after a drop: what was pushed while
 * the connection was down was missed, so a page reloads what it shows.
 */
export function useResubscribed(topic: string, reload: () => void): void {
  const { topics } = useLiveSnapshot();
  const subscribed = topics.includes(topic);
  const latest = useRef(reload);
  latest.current = reload;
  const ever = useRef(false);
  useEffect(() => {
    if (!subscribed) return;
    if (ever.current) latest.current();
    ever.current = true;
  }, [subscribed]);
}
