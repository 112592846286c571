// The channel page's link to its webinar that is live or comes next (docs/webinars.md).
import { useEffect, useState } from 'preact/hooks';
import { fetchChannelWebinars, type ChannelWebinar } from './api';
import { webinarPath, whenText } from './model';
import './webinars.css';

export function WebinarLink({ channel }: { channel: string }) {
  const [next, setNext] = useState<ChannelWebinar | null>(null);
  useEffect(() => {
    let current = true;
    fetchChannelWebinars(channel)
      .then((list) => current && setNext(list.find((w) => w.live) ?? list[0] ?? null))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [channel]);
  if (!next) return null;
  return (
    <a class="webinar-link" data-testid="webinar-link" href={webinarPath(next.id)}>
      {next.live ? '🔴 Webinar live now: ' : 'Upcoming webinar: '}
      <strong>{next.title}</strong> {!next.live && `· ${whenText(next)}`}
    </a>
  );
}
