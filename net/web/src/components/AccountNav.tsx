import { logout } from '../accountApi';
import { clearSession, hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { NotificationBell } from './NotificationBell';

/** Right side of the top bar: sign-up/log-in links, or the signed-in user's bell, name and log-out. */
export function AccountNav() {
  const session = useSession();
  if (!session) {
    return (
      <div class="topnav-right">
        <a href="/login" id="nav-login">Log in</a>
        <a href="/signup" id="nav-signup" class="btn btn-primary">Sign up</a>
      </div>
    );
  }
  async function signOut() {
    // Forget the token locally even if the server cannot be reached.
    await logout(session!.token).catch(() => undefined);
    clearSession();
    navigate('/');
  }
  return (
    <div class="topnav-right">
      {hasAccount(session) && <NotificationBell key={session.token} token={session.token} />}
      <a href="/dashboard" id="nav-dashboard">Dashboard</a>
      <span class="muted" id="nav-user">{session.username}</span>
      <button type="button" class="linklike" id="nav-logout" onClick={signOut}>
        Log out
      </button>
    </div>
  );
}
