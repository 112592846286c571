// A channel as a card (home, browse, following, recommendations): thumbnail area with the live
// badge and viewer count (while live), a "Featured" tag, then title, name with uptime and, when
// given, the category.
import { channelPath } from '../router';
import { formatViewers } from '../format';
import { LiveBadge } from './LiveBadge';
import { LiveThumb } from './LiveThumb';
import { Uptime } from './Uptime';

export interface CardChannel {
  name: string;
  title: string;
  viewers: number;
  started_at_ms: number | null;
  category?: string;
  /** Cards are of live channels unless this says otherwise (recommendations may be offline). */
  live?: boolean;
  featured?: boolean;
}

export function ChannelCard({
  channel,
  extraClass = '',
  thumbnail = false,
}: {
  channel: CardChannel;
  extraClass?: string;
  /** Show the live thumbnail (the channel's initial otherwise). */
  thumbnail?: boolean;
}) {
  const live = channel.live !== false;
  return (
    <a
      class={`channel-card ${extraClass}`.trim()}
      href={channelPath(channel.name)}
      data-channel={channel.name}
      data-live={live ? 'true' : 'false'}
      data-featured={channel.featured ? 'true' : undefined}
    >
      <div class="card-thumb">
        {thumbnail && live ? (
          <LiveThumb name={channel.name} />
        ) : (
          <span class="card-initial" aria-hidden="true">
            {channel.name.slice(0, 1).toUpperCase()}
          </span>
        )}
        <span class="card-badges">
          {live ? <LiveBadge /> : <span class="card-offline">Offline</span>}
          {channel.featured && <span class="card-featured">Featured</span>}
        </span>
        {live && <span class="card-viewers">{formatViewers(channel.viewers)}</span>}
      </div>
      <div class="card-meta">
        <p class="card-title" title={channel.title}>
          {channel.title || 'Untitled stream'}
        </p>
        <p class="card-name">
          {channel.name}
          {live && channel.started_at_ms !== null && (
            <>
              {' · '}
              <Uptime startedAtMs={channel.started_at_ms} />
            </>
          )}
        </p>
        {channel.category && <p class="card-category">{channel.category}</p>}
      </div>
    </a>
  );
}
