// The dashboard's Engagement tab: poll, prediction, rewards, the redemption queue, and where
// the mod view and the OBS overlays are. Live over the channel's room like the channel page.
import { useState } from 'preact/hooks';
import { modPath, overlayPath, type OverlayWidget } from '../../router';
import { useLiveEngagement } from '../useLiveEngagement';
import { PollControl } from './PollControl';
import { PredictionControl } from './PredictionControl';
import { RedemptionQueue } from './RedemptionQueue';
import { RewardManager } from './RewardManager';
import '../engagement.css';
import '../../moderation/moderation.css';

const OVERLAYS: readonly { widget: OverlayWidget; label: string }[] = [
  { widget: 'poll', label: 'Poll' },
  { widget: 'prediction', label: 'Prediction' },
  { widget: 'hype-train', label: 'Hype train' },
];

export function EngagementPanel({ channel, token }: { channel: string; token: string }) {
  const [redemptions, setRedemptions] = useState(0);
  const live = useLiveEngagement(channel, token, (e) => {
    if (e.kind === 'redemption') setRedemptions((n) => n + 1);
  });
  return (
    <div class="dash-columns" id="engagement-panel">
      <div class="dash-column">
        <PollControl channel={channel} token={token} live={live} />
        <PredictionControl channel={channel} token={token} live={live} />
      </div>
      <div class="dash-column">
        <RedemptionQueue channel={channel} token={token} version={redemptions} />
        <RewardManager channel={channel} token={token} />
        <section class="dash-card" id="engagement-links">
          <h2>Moderation and overlays</h2>
          <p>
            <a href={modPath(channel)} id="mod-view-link">
              Open the mod view
            </a>
          </p>
          <p class="muted">OBS browser sources (transparent, live):</p>
          <ul class="mod-list">
            {OVERLAYS.map((o) => (
              <li key={o.widget}>
                {o.label}: <code data-testid={`overlay-url-${o.widget}`}>{`${window.location.origin}${overlayPath(channel, o.widget)}`}</code>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
