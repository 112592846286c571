// Pure view-state logic for the channel page.
import { ApiError, type Channel } from './api';

export type ViewState = 'loading' | 'playing' | 'offline' | 'error';

export type LoadError = 'not_found' | 'unreachable' | 'unsupported';

export interface ChannelModel {
  channel: Channel | null;
  error: LoadError | null;
  playing: boolean;
}

export const initialModel: ChannelModel = { channel: null, error: null, playing: false };

/** Folds one poll result into the model. */
export function applyPollResult(m: ChannelModel, result: Channel | unknown): ChannelModel {
  if (!(result instanceof Error) && typeof result === 'object' && result !== null && 'live' in result) {
    const channel = result as Channel;
    const sameSession =
      m.channel !== null &&
      m.channel.live &&
      channel.live &&
      m.channel.hls === channel.hls &&
      m.channel.started_at_ms === channel.started_at_ms;
    return {
      channel,
      error: m.error === 'unsupported' ? m.error : null,
      playing: sameSession ? m.playing : false,
    };
  }
  if (result instanceof ApiError && result.status === 404) {
    return { channel: null, error: 'not_found', playing: false };
  }
  // Transient failure: keep the last known channel, if any.
  if (m.channel !== null) return m;
  return { ...m, error: 'unreachable' };
}

export function viewState(m: ChannelModel): ViewState {
  if (m.error === 'not_found' || m.error === 'unreachable' || m.error === 'unsupported') return 'error';
  if (m.channel === null) return 'loading';
  if (!m.channel.live) return 'offline';
  return m.playing ? 'playing' : 'loading';
}

/** Identifies one live session; a change means the player must reload. */
export function sessionKey(c: Channel | null): string | null {
  if (!c || !c.live) return null;
  return `${c.hls}#${c.started_at_ms ?? ''}`;
}
