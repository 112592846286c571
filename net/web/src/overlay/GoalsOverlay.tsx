// /overlay/<channel>/goals: the tip campaign's bar (tips/CampaignBar.tsx) and, when the owner set
// one, the follower goal: the channel's follower count (GET /channels/<c>, re-read every 15 s and
// after a reconnect; follows send no room frame) against the goal, which the room's
// {"type":"overlay_goals"} frame changes live.
import { useEffect, useState } from 'preact/hooks';
import { fetchChannel } from '../api';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { CampaignBar } from '../tips/CampaignBar';
import { parseFollowerGoal } from './obsApi';

/** How often the follower count is read again. */
export const FOLLOWERS_POLL_MS = 15_000;

export function GoalsOverlay({ channel, initialGoal }: { channel: string; initialGoal: number | null }) {
  const [goal, setGoal] = useState<number | null>(initialGoal);
  const [followers, setFollowers] = useState<number | null>(null);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if (goal === null) return;
    let current = true;
    const read = () =>
      fetchChannel(channel)
        .then((c) => current && setFollowers(c.followers))
        .catch(() => undefined);
    void read();
    const timer = window.setInterval(read, FOLLOWERS_POLL_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [channel, goal, epoch]);
  useRoomFrames(
    channel,
    (f) => {
      if (f.type === 'overlay_goals') setGoal(parseFollowerGoal(f));
    },
    () => setEpoch((n) => n + 1),
  );
  const percent = goal && followers !== null ? Math.min(100, Math.round((followers / goal) * 100)) : 0;
  return (
    <>
      <CampaignBar channel={channel} />
      {goal !== null && followers !== null && (
        <section class="campaign-bar" data-testid="overlay-follower-goal" data-followers={followers} data-goal={goal}>
          <div class="campaign-head">
            <span class="campaign-title">Follower goal</span>
            <span class="campaign-figures">
              {followers} / {goal}
              {followers >= goal && ' · Goal reached!'}
            </span>
          </div>
          <div class="campaign-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div class="campaign-fill" style={{ width: `${percent}%` }} />
          </div>
        </section>
      )}
    </>
  );
}
