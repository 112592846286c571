// The mod view's share of engagement: moderators and editors run polls and predictions and work
// the redemption queue like the broadcaster (docs/engagement.md: "managers"); rewards stay on the
// broadcaster's dashboard.
import { useState } from 'preact/hooks';
import { PollControl } from '../engagement/dashboard/PollControl';
import { PredictionControl } from '../engagement/dashboard/PredictionControl';
import { RedemptionQueue } from '../engagement/dashboard/RedemptionQueue';
import { useLiveEngagement } from '../engagement/useLiveEngagement';
import '../engagement/engagement.css';

export function ModEngagement({ channel, token }: { channel: string; token: string }) {
  const [redemptions, setRedemptions] = useState(0);
  const live = useLiveEngagement(channel, token, (e) => {
    if (e.kind === 'redemption') setRedemptions((n) => n + 1);
  });
  return (
    <>
      <PollControl channel={channel} token={token} live={live} />
      <PredictionControl channel={channel} token={token} live={live} />
      <RedemptionQueue channel={channel} token={token} version={redemptions} />
    </>
  );
}
