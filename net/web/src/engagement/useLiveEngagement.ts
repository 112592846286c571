// A channel's live engagement as a page shows it: the current poll, prediction and hype train,
// read over REST when the page opens (and after every reconnect, since frames sent meanwhile
// were missed), then kept current by the chat room's frames on the page's one connection.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLive } from '../live/LiveContext';
import type { Frame } from '../live/connection';
import { fetchHypeTrain, fetchPoll, fetchPrediction } from './api';
import { mergePoll, mergePrediction, parseEngagementFrame, type EngagementEvent, type HypeTrain, type Poll, type Prediction } from './model';

export interface LiveEngagement {
  poll: Poll | null;
  prediction: Prediction | null;
  train: HypeTrain | null;
  /** The first reads answered (or failed). */
  loaded: boolean;
}

export interface LiveEngagementApi extends LiveEngagement {
  /** An answer of the viewer's own call (vote, stake) replaces what is shown. */
  setPoll(p: Poll): void;
  setPrediction(p: Prediction): void;
}

/** Calls `listener` with every frame of `channel`'s chat room while mounted (sharing the page's room). */
export function useRoomFrames(channel: string, listener: (f: Frame) => void, onReset: () => void = () => {}): void {
  const { connection } = useLive();
  const latest = useRef({ listener, onReset });
  latest.current = { listener, onReset };
  useEffect(
    () =>
      connection.joinRoom(
        channel,
        (f) => latest.current.listener(f),
        () => latest.current.onReset(),
      ),
    [connection, channel],
  );
}

export function useLiveEngagement(
  channel: string,
  token: string | null,
  /** Frames the page also wants (redemptions for the chat, a balance to re-read). */
  onEvent?: (e: EngagementEvent) => void,
): LiveEngagementApi {
  const [state, setState] = useState<LiveEngagement>({ poll: null, prediction: null, train: null, loaded: false });
  const [epoch, setEpoch] = useState(0);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    let current = true;
    const quiet = <T,>(p: Promise<T>) => p.catch(() => null);
    void Promise.all([quiet(fetchPoll(channel, token)), quiet(fetchPrediction(channel, token)), quiet(fetchHypeTrain(channel))]).then(
      ([poll, prediction, train]) => {
        if (!current || !alive.current) return;
        setState((s) => ({
          // A frame that arrived while the reads were under way is newer than their answer.
          poll: poll ? mergePoll(s.poll, poll) : s.poll,
          prediction: prediction ? mergePrediction(s.prediction, prediction) : s.prediction,
          train: train ?? s.train,
          loaded: true,
        }));
      },
    );
    return () => {
      current = false;
    };
  }, [channel, token, epoch]);

  useRoomFrames(
    channel,
    (f) => {
      const e = parseEngagementFrame(f);
      if (!e) return;
      if (e.kind === 'poll') setState((s) => ({ ...s, poll: mergePoll(s.poll, e.poll) }));
      else if (e.kind === 'prediction') {
        setState((s) => ({ ...s, prediction: mergePrediction(s.prediction, e.prediction) }));
        // What the viewer's stake paid out is theirs alone: read it once the prediction resolved.
        if (e.prediction.state === 'resolved' && token)
          fetchPrediction(channel, token)
            .then((p) => p && alive.current && setState((s) => ({ ...s, prediction: mergePrediction(s.prediction, p) })))
            .catch(() => undefined);
      }
      else if (e.kind === 'hype_train') setState((s) => ({ ...s, train: e.train }));
      onEvent?.(e);
    },
    // A reconnect: whatever changed while the socket was down is read again.
    () => setEpoch((n) => n + 1),
  );

  return {
    ...state,
    setPoll: (p) => setState((s) => ({ ...s, poll: mergePoll(s.poll, p) })),
    setPrediction: (p) => setState((s) => ({ ...s, prediction: mergePrediction(s.prediction, p) })),
  };
}
