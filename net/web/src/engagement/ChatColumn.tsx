// The channel page's right-hand column, like Twitch's: the hype train, the poll and the
// prediction above the chat, the viewer's channel points and rewards below it. One
// useLiveEngagement feeds the widgets; the chat shares the page's room.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { ChatPanel } from '../chat/ChatPanel';
import type { Raid } from '../raidApi';
import { HypeTrainBar } from './HypeTrainBar';
import { PointsWidget } from './PointsWidget';
import { PollWidget } from './PollWidget';
import { PredictionWidget } from './PredictionWidget';
import { useLiveEngagement } from './useLiveEngagement';
import { GiftBurst } from '../tips/GiftBurst';
import './engagement.css';

export function ChatColumn({ channel, onRaid }: { channel: string; onRaid?: (raid: Raid | null) => void }) {
  const session = useSession();
  // Votes, stakes and points are an account's: not a guest's, not the admin token's.
  const token = hasAccount(session) ? session.token : null;
  const [version, setVersion] = useState(0);
  const [balance, setBalance] = useState<number | null>(null);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const spent = () => setVersion((v) => v + 1);
  const live = useLiveEngagement(channel, token, (e) => {
    // A prediction paid out or refunded, or a redemption canceled: balances moved.
    if (e.kind === 'prediction' && (e.prediction.state === 'resolved' || e.prediction.state === 'canceled')) spent();
  });
  const dismiss = (key: string) => setDismissed((d) => new Set([...d, key]));
  const poll = live.poll && !dismissed.has(`poll:${live.poll.id}`) ? live.poll : null;
  const prediction = live.prediction && !dismissed.has(`prediction:${live.prediction.id}`) ? live.prediction : null;

  return (
    <>
      <div class="engagement-stack" id="engagement" data-loaded={live.loaded ? 'true' : 'false'}>
        <HypeTrainBar train={live.train} />
        {poll && (
          <Dismissable show={poll.state === 'ended'} label="Hide the poll results" onDismiss={() => dismiss(`poll:${poll.id}`)}>
            <PollWidget poll={poll} channel={channel} token={token} onPoll={live.setPoll} onSpent={spent} />
          </Dismissable>
        )}
        {prediction && (
          <Dismissable
            show={prediction.state === 'resolved' || prediction.state === 'canceled'}
            label="Hide the prediction"
            onDismiss={() => dismiss(`prediction:${prediction.id}`)}
          >
            <PredictionWidget prediction={prediction} channel={channel} token={token} balance={balance} onPrediction={live.setPrediction} onSpent={spent} />
          </Dismissable>
        )}
      </div>
      <GiftBurst channel={channel} />
      <ChatPanel channel={channel} onRaid={onRaid} />
      {token && <PointsWidget channel={channel} token={token} version={version} onBalance={setBalance} />}
    </>
  );
}

function Dismissable({ show, label, onDismiss, children }: { show: boolean; label: string; onDismiss: () => void; children: ComponentChildren }) {
  return (
    <div class="eng-dismissable">
      {children}
      {show && (
        <button type="button" class="eng-dismiss" aria-label={label} title={label} onClick={onDismiss}>
          ✕
        </button>
      )}
    </div>
  );
}
