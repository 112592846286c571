import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchChannel } from '../api';
import { startPolling } from '../poll';
import { createPlayer, type Player } from '../player';
import { applyPollResult, initialModel, sessionKey, viewState, type ChannelModel } from '../channelState';
import { formatViewers } from '../format';
import { LiveBadge } from '../components/LiveBadge';
import { Uptime } from '../components/Uptime';
import { LiveLatency } from '../components/LiveLatency';
import { HealthPanel } from '../components/HealthPanel';
import { ChatColumn } from '../engagement/ChatColumn';
import { FollowButton } from '../components/FollowButton';
import { QualityMenu, type QualityState } from '../components/QualityMenu';
import { OwnerActions } from '../components/OwnerActions';
import { RaidArrival, RaidBanner } from '../components/RaidBanner';
import { fetchRaid, type Raid } from '../raidApi';
import { ChannelVideos } from '../components/ChannelVideos';
import { ChannelClips } from '../components/ChannelClips';
import { LiveClipButton } from '../components/LiveClipButton';
import { useSession } from '../auth';
import { useWatchBeats } from '../components/useWatchBeats';
import { DonateButton } from '../tips/DonateButton';
import { GiftButton } from '../tips/GiftButton';
import { CampaignBar } from '../tips/CampaignBar';
import { SubscribeButton } from '../subs/SubscribeButton';
import { DjStage } from '../music/DjStage';
import { WebinarLink } from '../webinars/WebinarLink';
import { OrgStrip } from '../orgs/OrgStrip';

export const CHANNEL_POLL_MS = 2000;

/** `raidFrom`: the channel whose raid brought the viewer here (`?raid=`), else null. */
export function ChannelPage({ name, raidFrom = null }: { name: string; raidFrom?: string | null }) {
  const [model, setModel] = useState<ChannelModel>(initialModel);
  const [raid, setRaid] = useState<Raid | null>(null);
  const token = useSession()?.token ?? null;
  const videoRef = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<Player | null>(null);
  const loadedKey = useRef<string | null>(null);
  const [audioOnly, setAudioOnly] = useState(false);
  const [quality, setQuality] = useState<QualityState>({ renditions: [], choice: 'auto', playing: null });
  // Analytics: a beat when playback starts, every 15 s while it plays, `ended` when it stops.
  useWatchBeats(videoRef, name, token);

  // One player per mounted video element.
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const player = createPlayer(video, {
      onPlaying: () => setModel((m) => (m.channel?.live ? { ...m, playing: true } : m)),
      onBuffering: () => setModel((m) => (m.playing ? { ...m, playing: false } : m)),
      onUnsupported: () => setModel((m) => ({ ...m, error: 'unsupported' })),
      onLayout: setAudioOnly,
      onQuality: (renditions, choice, playing) => setQuality({ renditions, choice, playing }),
    });
    playerRef.current = player;
    return () => {
      player.destroy();
      playerRef.current = null;
      loadedKey.current = null;
    };
  }, []);

  // A viewer who arrives during a countdown sees it too (later changes come as chat frames).
  useEffect(() => {
    setRaid(null);
    let current = true;
    fetchRaid('', name)
      .then((r) => {
        if (current && r) setRaid(r);
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [name]);

  // Poll the channel status.
  useEffect(() => {
    setModel(initialModel);
    const poller = startPolling(
      async (signal) => {
        const ch = await fetchChannel(name, signal);
        if (!signal.aborted) setModel((m) => applyPollResult(m, ch));
      },
      {
        intervalMs: CHANNEL_POLL_MS,
        onError: (err) => setModel((m) => applyPollResult(m, err)),
      },
    );
    return () => poller.stop();
  }, [name]);

  // Attach / detach playback as the live session changes.
  const key = sessionKey(model.channel);
  useEffect(() => {
    const player = playerRef.current;
    if (!player || key === loadedKey.current) return;
    player.stop();
    loadedKey.current = key;
    if (key !== null && model.channel) player.load(model.channel.hls);
  }, [key]);

  const ch = model.channel;
  const state = viewState(model);
  useEffect(() => {
    document.title = ch ? `${ch.live ? '🔴 ' : ''}${ch.title || ch.name} · AeThex LIVE` : `${name} · AeThex LIVE`;
  }, [ch?.title, ch?.live, name]);

  return (
    <main class="channel-layout">
      <section class="channel-main">
        <div class="player-shell" id="player-container" data-state={state} data-layout={audioOnly ? 'audio' : 'video'}>
          <video id="player" ref={videoRef} muted autoplay playsInline controls />
          {state === 'playing' && audioOnly && (
            <div class="audio-only-panel" id="audio-only" aria-label="Audio-only stream">
              <div class="audio-avatar" aria-hidden="true">
                {name.slice(0, 1).toUpperCase()}
              </div>
              <div class="audio-bars" aria-hidden="true">
                <span />
                <span />
                <span />
                <span />
                <span />
              </div>
              <p class="audio-only-title">Audio only</p>
              <p class="muted">Unmute the player to listen.</p>
            </div>
          )}
          {state === 'loading' && (
            <div class="player-overlay" id="loading">
              <div class="spinner" aria-label="Loading" />
            </div>
          )}
          {state === 'offline' && (
            <div class="player-overlay offline-panel" id="offline">
              <p class="offline-title">{name} is offline</p>
              <p class="muted">This page will start playing as soon as the stream goes live.</p>
            </div>
          )}
          {state === 'error' && (
            <div class="player-overlay error-panel" id="error">
              <p class="offline-title">{errorText(model)}</p>
              {model.error === 'not_found' && (
                <p class="muted">
                  <a href="/">Browse live channels</a>
                </p>
              )}
            </div>
          )}
        </div>
        {ch && <DjStage channel={name} media={videoRef} live={ch.live} />}
        {raidFrom && <RaidArrival from={raidFrom} />}
        <RaidBanner raid={raid} />
        <div class="channel-info">
          <div class="avatar" aria-hidden="true">
            {name.slice(0, 1).toUpperCase()}
          </div>
          <div class="channel-text">
            <h1 class="channel-title" id="channel-title">
              {ch ? ch.title || 'Untitled stream' : model.error === 'not_found' ? 'Channel not found' : '\u00a0'}
            </h1>
            <p class="channel-name">
              <span id="channel-name">{name}</span>
              {ch?.live && (
                <>
                  <LiveBadge id="live-badge" />
                  <span class="viewers" id="viewers">
                    {formatViewers(ch.viewers)}
                  </span>
                  {ch.started_at_ms !== null && <Uptime startedAtMs={ch.started_at_ms} />}
                  <LiveLatency player={playerRef} />
                  <QualityMenu state={quality} onChoose={(choice) => playerRef.current?.setQuality(choice)} />
                </>
              )}
            </p>
          </div>
          {ch && (
            <div class="channel-actions">
              <FollowButton channel={name} followers={ch.followers} />
              <DonateButton channel={name} />
              <GiftButton channel={name} />
              <SubscribeButton channel={name} owner={ch.owner} />
              {ch.owner && <OwnerActions owner={ch.owner} />}
              {ch.live && token && <LiveClipButton channel={name} token={token} />}
            </div>
          )}
        </div>
        {ch && <OrgStrip channel={name} />}
        {ch && <WebinarLink channel={name} />}
        {ch && <CampaignBar channel={name} />}
        {ch?.live && <HealthPanel name={name} />}
        {ch && <ChannelVideos channel={name} live={ch.live} />}
        {ch && <ChannelClips channel={name} />}
      </section>
      <aside id="chat" class="chat-column">
        <ChatColumn channel={name} onRaid={setRaid} />
      </aside>
    </main>
  );
}

function errorText(m: ChannelModel): string {
  switch (m.error) {
    case 'not_found':
      return 'Channel not found';
    case 'unsupported':
      return 'This browser cannot play HLS video';
    default:
      return "Couldn't reach the server. Retrying…";
  }
}
