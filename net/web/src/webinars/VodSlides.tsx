// A recording's slides (docs/webinars.md, Timeline): the page a webinar showed at the VOD's
// current time, following the player as it plays and seeks. Nothing when the VOD has no slides.
import { useEffect, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import { fetchVodSlides, slideImage } from './api';
import { slideAt, slideUrl, type TimelineEntry } from './model';
import './webinars.css';

export function VodSlides({ vod, video, token }: { vod: string; video: RefObject<HTMLVideoElement | null>; token: string | null }) {
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [entry, setEntry] = useState<TimelineEntry | null>(null);
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    fetchVodSlides(vod, token)
      .then((t) => current && setTimeline(t))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [vod, token]);
  useEffect(() => {
    const v = video.current;
    if (!v || timeline.length === 0) return;
    const update = () =>
      setEntry((old) => {
        const next = slideAt(timeline, v.currentTime * 1000);
        return old && next && old.page === next.page && old.webinar === next.webinar ? old : next;
      });
    update();
    v.addEventListener('timeupdate', update);
    v.addEventListener('seeked', update);
    return () => {
      v.removeEventListener('timeupdate', update);
      v.removeEventListener('seeked', update);
    };
  }, [video, timeline]);
  useEffect(() => {
    if (!entry) return;
    let current = true;
    slideImage(slideUrl(entry.webinar, entry.page, 0), token)
      .then((url) => {
        if (current) setSrc((old) => (old && URL.revokeObjectURL(old), url));
        else URL.revokeObjectURL(url);
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [entry?.webinar, entry?.page, token]);
  if (timeline.length === 0 || !entry) return null;
  return (
    <section class="webinar-vod-slide" data-testid="vod-slide" data-page={entry.page}>
      <div class="webinar-slide">
        {src && <img src={src} alt={`Slide ${entry.page}`} />}
        <span class="webinar-page-no">Slide {entry.page}</span>
      </div>
      <a href={`/webinars/${entry.webinar}`}>About this webinar</a>
    </section>
  );
}
