// A tournament as a page shows it: read over REST when the page opens (and after every
// reconnect, since frames sent meanwhile were missed), then replaced by each
// `{"type":"tournament"}` frame of its chat room on the page's one connection. Calls that
// answer the tournament replace it at once; the others read it again.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { fetchTournament } from './api';
import { tournamentFromFrame, tournamentRoom, type Tournament } from './model';

export type LoadState = 'loading' | 'ready' | 'not_found' | 'error';

export interface TournamentView {
  tournament: Tournament | null;
  state: LoadState;
  /** Replaces what is shown with a call's answer (null: read it again). */
  update(t: Tournament | null): void;
  /** Frames received so far (tests and diagnostics read it from data-frames). */
  frames: number;
}

export function useTournament(id: string, token: string | null): TournamentView {
  const [tournament, setTournament] = useState<Tournament | null>(null);
  const [state, setState] = useState<LoadState>('loading');
  const [frames, setFrames] = useState(0);
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    fetchTournament(id, token)
      .then((t) => {
        if (mine !== seq.current) return;
        setTournament(t);
        setState('ready');
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setState((s) => (e instanceof ApiError && e.status === 404 ? 'not_found' : s === 'ready' ? s : 'error'));
      });
  }, [id, token]);

  useEffect(() => {
    reload();
    return () => {
      seq.current++;
    };
  }, [reload]);

  useRoomFrames(
    tournamentRoom(id),
    (f) => {
      const t = tournamentFromFrame(f, id);
      if (!t) return;
      seq.current++; // a read under way answers with an older state
      setTournament(t);
      setState('ready');
      setFrames((n) => n + 1);
    },
    () => reload(),
  );

  const update = useCallback(
    (t: Tournament | null) => {
      if (t && t.id === id) {
        seq.current++;
        setTournament(t);
      } else reload();
    },
    [id, reload],
  );

  return { tournament, state, update, frames };
}
