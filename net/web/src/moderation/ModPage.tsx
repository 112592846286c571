// /c/<channel>/mod: the mod view. AutoMod's queue (live), unban requests, the moderation log,
// polls, predictions and redemptions, roles, the ban list with export/import, and the channel's
// chat, where a moderator's click on a name opens the user card (as everywhere on this page).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, fetchChannel } from '../api';
import { useSession } from '../auth';
import { ChatPanel } from '../chat/ChatPanel';
import { SignInPrompt } from '../components/SignInPrompt';
import { channelPath } from '../router';
import { fetchQueue } from './api';
import { BanList } from './BanList';
import { ModEngagement } from './ModEngagement';
import { ModLog } from './ModLog';
import { ModQueue } from './ModQueue';
import { RolesPanel } from './RolesPanel';
import { UnbanRequests } from './UnbanRequests';
import { UserCard } from './UserCard';
import '../account.css';
import '../dashboard.css';
import './moderation.css';

export function ModPage({ channel }: { channel: string }) {
  const session = useSession();
  useEffect(() => {
    document.title = `Mod view · ${channel} · AeThex LIVE`;
  }, [channel]);
  if (!session) return <SignInPrompt title="Mod view" what={`to moderate ${channel}`} />;
  return <ModView key={`${session.token}/${channel}`} channel={channel} token={session.token} username={session.username} />;
}

type Access = 'checking' | 'ok' | 'forbidden' | 'not_found';

function ModView({ channel, token, username }: { channel: string; token: string; username: string }) {
  const [access, setAccess] = useState<Access>('checking');
  /** Only the broadcaster (the owner, or the admin token) appoints roles. */
  const [broadcaster, setBroadcaster] = useState(username === 'admin');
  useEffect(() => {
    let current = true;
    fetchChannel(channel)
      .then((c) => current && setBroadcaster(username === 'admin' || c.owner === username))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [channel, username]);
  const [card, setCard] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);

  // One read tells whether this account moderates the channel at all.
  useEffect(() => {
    let current = true;
    fetchQueue(token, channel)
      .then(() => current && setAccess('ok'))
      .catch((e) => {
        if (!current) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setAccess('forbidden');
        // A missing channel; anything else (a node without the route yet) shows the panels with their errors.
        else setAccess(e instanceof ApiError && e.status === 404 && e.code === 'not_found' && /channel/i.test(e.message) ? 'not_found' : 'ok');
      });
    return () => {
      current = false;
    };
  }, [channel, token]);

  return (
    <main class="mod-page" id="mod-page" data-channel={channel} data-state={access === 'checking' ? 'loading' : access === 'ok' ? 'ready' : access}>
      <header class="mod-page-head">
        <h1 class="section-title">
          Mod view · <a href={channelPath(channel)}>{channel}</a>
        </h1>
      </header>
      {access === 'forbidden' && (
        <div class="dash-card" id="mod-forbidden" role="alert">
          <p>You are not a moderator of {channel}.</p>
        </div>
      )}
      {access === 'not_found' && (
        <div class="dash-card" id="mod-forbidden" role="alert">
          <p>There is no channel named {channel}.</p>
        </div>
      )}
      {access === 'ok' && (
        <div class="mod-grid">
          <div class="mod-col">
            <ModQueue channel={channel} token={token} onOpenUser={setCard} onDecided={changed} />
            <UnbanRequests channel={channel} token={token} onOpenUser={setCard} onDecided={changed} />
          </div>
          <div class="mod-col">
            <ModLog channel={channel} token={token} version={version} onOpenUser={setCard} />
            <ModEngagement channel={channel} token={token} />
          </div>
          <div class="mod-col">
            <RolesPanel channel={channel} token={token} canEdit={broadcaster} onChanged={changed} />
            <BanList channel={channel} token={token} version={version} onOpenUser={setCard} onChanged={changed} />
          </div>
          <aside class="mod-chat chat-column" aria-label={`${channel} chat`}>
            <ChatPanel channel={channel} />
          </aside>
        </div>
      )}
      {card && <UserCard channel={channel} user={card} onClose={() => setCard(null)} />}
    </main>
  );
}
