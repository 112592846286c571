// A live channel as a card (home page, browse page): thumbnail area with the live badge and
// viewer count, then title, name with uptime and, when given, the category.
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
  return (
    <a class={`channel-card ${extraClass}`.trim()} href={channelPath(channel.name)} data-channel={channel.name}>
      <div class="card-thumb">
        {thumbnail ? (
          <LiveThumb name={channel.name} />
        ) : (
          <span class="card-initial" aria-hidden="true">
            {channel.name.slice(0, 1).toUpperCase()}
          </span>
        )}
        <span class="card-badges">
          <LiveBadge />
        </span>
        <span class="card-viewers">{formatViewers(channel.viewers)}</span>
      </div>
      <div class="card-meta">
        <p class="card-title" title={channel.title}>
          {channel.title || 'Untitled stream'}
        </p>
        <p class="card-name">
          {channel.name}
          {channel.started_at_ms !== null && (
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
