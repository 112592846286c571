// A channel's custom emotes while its chat is open: read over REST when the chat opens (and
// again after a reconnect, since changes meanwhile were missed), then replaced by every `emotes`
// frame of the room, which carries the whole list. The channel's orgs' shared emotes come with
// the REST list (`org_emotes`) and are shown after the channel's own.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { emotesFromFrame, fetchEmotes, withOrgEmotes, type CustomEmote } from './customEmotes';

const NONE: readonly CustomEmote[] = [];

export function useChannelEmotes(channel: string): readonly CustomEmote[] {
  const [emotes, setEmotes] = useState<readonly CustomEmote[]>(NONE);
  const [orgEmotes, setOrgEmotes] = useState<readonly CustomEmote[]>(NONE);
  const [epoch, setEpoch] = useState(0);
  /** Frames seen: a read that started before the latest frame answers with an older list. */
  const frames = useRef(0);
  const reading = useRef(false);

  useEffect(() => {
    // A hosted room ("tournament:<id>") is no channel: it has no emotes to read.
    if (channel.includes(':')) return;
    const ctl = new AbortController();
    const seen = frames.current;
    reading.current = true;
    fetchEmotes(channel, ctl.signal)
      .then((list) => {
        if (ctl.signal.aborted) return;
        setOrgEmotes(list.org_emotes ?? NONE);
        if (frames.current === seen) setEmotes(list.emotes);
      })
      // Without the list, `:code:` stays text: chat still works.
      .catch(() => undefined)
      .finally(() => {
        if (!ctl.signal.aborted) reading.current = false;
      });
    return () => ctl.abort();
  }, [channel, epoch]);

  // Another channel's list must not show for a moment under this one's messages.
  useEffect(() => {
    setEmotes(NONE);
    setOrgEmotes(NONE);
  }, [channel]);

  useRoomFrames(
    channel,
    (f) => {
      const next = emotesFromFrame(f);
      if (!next) return;
      frames.current++;
      setEmotes(next);
    },
    // The socket (re)opened: read again, unless the read of the chat's opening is still under way.
    () => {
      if (!reading.current) setEpoch((n) => n + 1);
    },
  );

  return useMemo(() => withOrgEmotes(emotes, orgEmotes), [emotes, orgEmotes]);
}
