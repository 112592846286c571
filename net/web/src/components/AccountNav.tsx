import { logout } from '../accountApi';
import { clearSession, hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { NotificationBell } from './NotificationBell';
import { DmBadge } from './DmBadge';
import { AccountMenu } from './AccountMenu';

/**
 * Right side of the top bar: sign-up/log-in links, or the signed-in user's messages and bell,
 * the dashboard, their name (a menu of their pages) and log-out.
 */
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
  // The admin token is nobody's account: no messages, bell or account pages.
  const account = hasAccount(session);
  const name = session.username;
  return (
    <div class="topnav-right">
      {account && <DmBadge key={session.token} token={session.token} me={session.username} />}
      {account && <NotificationBell key={session.token} token={session.token} />}
      <a href="/dashboard" id="nav-dashboard">Dashboard</a>
      {!account && (
        <a href="/admin" id="nav-admin">
          Admin
        </a>
      )}
      {account ? (
        <AccountMenu username={name} />
      ) : (
        <span class="muted" id="nav-user">{name}</span>
      )}
      <button type="button" class="linklike" id="nav-logout" onClick={signOut}>
        Log out
      </button>
    </div>
  );
}
