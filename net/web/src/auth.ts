// The signed-in session of this browser: bearer token + username in localStorage, with a hook
// that re-renders on sign-in/out (in this tab and others).
import { useEffect, useState } from 'preact/hooks';

export interface Session {
  token: string;
  username: string;
}

const STORAGE_KEY = 'aethex.session';
const CHANGE_EVENT = 'aethex:session';

/** Parses a stored session; null for anything malformed. */
export function parseSession(raw: string | null): Session | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Session>;
    if (typeof v.token !== 'string' || !/^[0-9a-f]{64}$/.test(v.token)) return null;
    if (typeof v.username !== 'string' || v.username.length === 0) return null;
    return { token: v.token, username: v.username };
  } catch {
    return null;
  }
}

/**
 * True for a user's session; false for the node's admin token, which the UI also accepts (it
 * moderates every chat) but which is nobody's account: no follows, no inbox (403).
 */
export function hasAccount(s: Session | null): s is Session {
  return s !== null && s.username !== 'admin';
}

export function currentSession(): Session | null {
  try {
    return parseSession(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function clearSession(): void {
  window.localStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** The current session, updated on sign-in/out. */
export function useSession(): Session | null {
  const [session, setSession] = useState<Session | null>(() => currentSession());
  useEffect(() => {
    const update = () => setSession(currentSession());
    window.addEventListener(CHANGE_EVENT, update);
    window.addEventListener('storage', update);
    return () => {
      window.removeEventListener(CHANGE_EVENT, update);
      window.removeEventListener('storage', update);
    };
  }, []);
  return session;
}
