// A clip as a card (channel page, trending): the poster of its broadcast, its length, a badge
// while it renders or after it failed (only its channel's owner sees those), title, channel,
// views and likes.
import { clipPath, type Clip } from '../clipApi';
import { formatDuration, formatLikes, formatViews } from '../format';
import { CardPoster } from './VodCard';
import '../clip.css';

export function ClipCard({ clip }: { clip: Clip }) {
  return (
    <a class="channel-card clip-card" href={clipPath(clip.id)} data-clip={clip.id} data-state={clip.state}>
      <div class="card-thumb">
        <CardPoster src={`/vod/${encodeURIComponent(clip.vod)}/poster.jpg`} name={clip.channel} />
        {clip.state !== 'ready' && (
          <span class="card-badges">
            <span class="clip-state">{clip.state === 'rendering' ? `Rendering ${Math.floor(clip.progress)}%` : 'Failed'}</span>
          </span>
        )}
        <span class="card-viewers vod-duration">{formatDuration(clip.duration_s, false)}</span>
      </div>
      <div class="card-meta">
        <p class="card-title" title={clip.title}>
          {clip.title || `Clip of ${clip.channel}`}
        </p>
        <p class="card-name">
          {clip.channel} · {formatViews(clip.views)} · {formatLikes(clip.likes)}
        </p>
      </div>
    </a>
  );
}

/** A grid of clip cards. */
export function ClipGrid({ id, clips }: { id: string; clips: Clip[] }) {
  return (
    <ul class="channel-grid vod-grid" id={id}>
      {clips.map((c) => (
        <li key={c.id}>
          <ClipCard clip={c} />
        </li>
      ))}
    </ul>
  );
}
