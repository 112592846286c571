// Follow / unfollow on the channel page, with the follow's notification choices: the bell
// (notifications on/off) and e-mail. Signed-out visitors get a Follow link to the log-in page.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { formatFollowers } from '../format';
import { fetchFollowing, follow, unfollow, updateFollow, type Follow } from '../socialApi';
import { BellIcon } from './NotificationBell';
import '../account.css';
import './social.css';

export function FollowButton({ channel, followers }: { channel: string; followers: number | null }) {
  const session = useSession();
  const count =
    followers !== null ? (
      <span class="follower-count" id="follower-count">
        {formatFollowers(followers)}
      </span>
    ) : null;
  if (!hasAccount(session))
    return (
      <div class="follow">
        {/* The admin token is nobody's account: it cannot follow. */}
        {!session && (
          <a id="follow-button" class="btn btn-primary" href="/login">
            Follow
          </a>
        )}
        {count}
      </div>
    );
  return (
    <div class="follow">
      <FollowControls key={session.token} token={session.token} channel={channel} />
      {count}
    </div>
  );
}

function FollowControls({ token, channel }: { token: string; channel: string }) {
  // undefined while loading; null when not following.
  const [current, setCurrent] = useState<Follow | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    fetchFollowing(token)
      .then((list) => !stopped && setCurrent(list.find((f) => f.channel === channel) ?? null))
      .catch(() => !stopped && setCurrent(null));
    return () => {
      stopped = true;
    };
  }, [token, channel]);

  // `shown` is the state to show meanwhile: a checkbox must keep the tick it was just given.
  async function apply(change: () => Promise<Follow>, shown?: Follow) {
    const before = current;
    if (shown) setCurrent(shown);
    setBusy(true);
    setError(null);
    try {
      const f = await change();
      setCurrent(f.following ? f : null);
    } catch (e) {
      setCurrent(before);
      setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
    } finally {
      setBusy(false);
    }
  }

  const following = !!current;
  return (
    <>
      <button
        type="button"
        id="follow-button"
        class={following ? 'btn' : 'btn btn-primary'}
        aria-pressed={following}
        title={following ? `Unfollow ${channel}` : `Follow ${channel}`}
        disabled={busy || current === undefined}
        onClick={() => apply(() => (following ? unfollow(token, channel) : follow(token, channel)))}
      >
        {following ? 'Following' : 'Follow'}
      </button>
      {current && (
        <>
          <button
            type="button"
            id="follow-notify"
            class="btn follow-notify"
            aria-pressed={current.notify}
            aria-label={current.notify ? 'Notifications on' : 'Notifications off'}
            title={current.notify ? 'Turn notifications off' : 'Turn notifications on'}
            disabled={busy}
            onClick={() => {
              const notify = !current.notify;
              apply(() => updateFollow(token, channel, { notify }), { ...current, notify });
            }}
          >
            <BellIcon off={!current.notify} />
          </button>
          <label class="follow-email" title="Also send this channel's notifications by e-mail">
            <input
              type="checkbox"
              id="follow-email"
              checked={current.email}
              disabled={busy || !current.notify}
              onChange={(e) => {
                const email = (e.target as HTMLInputElement).checked;
                apply(() => updateFollow(token, channel, { email }), { ...current, email });
              }}
            />
            E-mail
          </label>
        </>
      )}
      {error && (
        <span class="form-error" id="follow-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
