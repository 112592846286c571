// A channel's fundraising campaign as a progress bar: read when shown, then kept current by the
// room's {"type":"campaign"} frames. Used on the channel page and by /overlay/<c>/campaign.
import { useEffect, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { fetchCampaign } from './api';
import { campaignPercent, formatAmount, parseCampaign, type Campaign } from './model';
import './tips.css';

export function useCampaign(channel: string): Campaign | null {
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    let current = true;
    fetchCampaign(channel)
      .then((c) => current && setCampaign(c))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [channel, epoch]);
  useRoomFrames(
    channel,
    (f) => {
      if (f.type === 'campaign') setCampaign(parseCampaign(f));
    },
    () => setEpoch((n) => n + 1),
  );
  return campaign;
}

export function CampaignBar({ channel, currency = 'USD', showEnded = false }: { channel: string; currency?: string; showEnded?: boolean }) {
  const c = useCampaign(channel);
  if (!c || (c.status !== 'active' && c.status !== 'reached' && !showEnded)) return null;
  const percent = campaignPercent(c);
  return (
    <section class="campaign-bar" data-testid="campaign-bar" data-status={c.status} data-raised={c.raised} data-goal={c.goal}>
      <div class="campaign-head">
        <span class="campaign-title">{c.title}</span>
        <span class="campaign-figures">
          {formatAmount(c.raised, currency)} / {formatAmount(c.goal, currency)}
          {c.status === 'reached' && ' · Goal reached!'}
        </span>
      </div>
      <div class="campaign-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div class="campaign-fill" style={{ width: `${percent}%` }} />
      </div>
    </section>
  );
}
