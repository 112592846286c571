// Channel page: the viewers' raid countdown ("Raiding vega in 57 s"), and the note for viewers
// who arrived with a raid (`?raid=<source>`).
import { useState } from 'preact/hooks';
import { raidBannerText, secondsLeft, type Raid } from '../raidApi';
import { formatViewers } from '../format';
import { channelPath } from '../router';
import { useNow } from './useNow';
import './raid.css';

export function RaidBanner({ raid }: { raid: Raid | null }) {
  const now = useNow(raid !== null);
  if (!raid) return null;
  const left = secondsLeft(raid.go_at_ms, now);
  return (
    <div class="raid-banner" data-testid="raid-banner" data-target={raid.target} data-seconds={left} role="status">
      <span aria-hidden="true">🚀</span>
      <span>
        {raidBannerText(raid.target, left)}
        {raid.viewers > 0 && <span class="muted"> · with {formatViewers(raid.viewers)}</span>}
      </span>
      <a href={channelPath(raid.target)} class="raid-banner-link">
        Go now
      </a>
    </div>
  );
}

export function RaidArrival({ from }: { from: string }) {
  const [shown, setShown] = useState(true);
  if (!shown) return null;
  return (
    <div class="raid-arrival" data-testid="raid-arrival" data-from={from} role="status">
      <span>
        You arrived with the raid from <a href={channelPath(from)}>{from}</a>
      </span>
      <button type="button" class="linklike" aria-label="Dismiss" onClick={() => setShown(false)}>
        ✕
      </button>
    </div>
  );
}
