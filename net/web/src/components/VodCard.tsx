// A past broadcast as a card (channel page, continue watching): poster, duration, a "Recording"
// badge while the stream still runs, and the viewer's progress when given.
import { useState } from 'preact/hooks';
import { formatDate, formatDuration, formatViews } from '../format';
import { vodPath, watchedFraction, type Vod } from '../vodApi';

export function VodCard({ vod, positionS }: { vod: Vod; positionS?: number }) {
  return (
    <a class="channel-card vod-card" href={vodPath(vod.id)} data-vod={vod.id} data-state={vod.state}>
      <div class="card-thumb">
        <CardPoster src={vod.poster} name={vod.channel} />
        {vod.state === 'recording' && (
          <span class="card-badges">
            <span class="vod-recording">Recording</span>
          </span>
        )}
        <span class="card-viewers vod-duration">{formatDuration(vod.duration_s)}</span>
        {positionS !== undefined && (
          <span class="vod-progress" data-position={Math.floor(positionS)}>
            <span style={{ width: `${watchedFraction(positionS, vod.duration_s) * 100}%` }} />
          </span>
        )}
      </div>
      <div class="card-meta">
        <p class="card-title" title={vod.title}>
          {vod.title || 'Untitled broadcast'}
        </p>
        <p class="card-name">
          {vod.channel} · {formatViews(vod.views)} · <span title={new Date(vod.started_at_ms).toLocaleString()}>{formatDate(vod.started_at_ms)}</span>
        </p>
      </div>
    </a>
  );
}

/**
 * A poster over the channel's initial, which stays when there is none (yet: a recording's first
 * seconds) or it cannot be shown (a clip of a VOD the viewer may not see).
 */
export function CardPoster({ src, name }: { src: string; name: string }) {
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <>
      <span class="card-initial" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      {!failed && (
        <img
          class="card-image"
          src={src}
          alt=""
          loading="lazy"
          data-loaded={loaded ? 'true' : 'false'}
          onLoad={() => setLoaded(true)}
          onError={() => setFailed(true)}
        />
      )}
    </>
  );
}
