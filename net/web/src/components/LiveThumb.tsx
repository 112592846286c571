import { useEffect, useState } from 'preact/hooks';

/** A channel's thumbnail only exists after its first keyframe: retry a missing one this often. */
export const THUMB_RETRY_MS = 4000;

/**
 * The live thumbnail (`/thumb/<name>.jpg`) over the card's initial, which stays visible until
 * the image loads; a 404 is retried, since a channel that just went live gets one in seconds.
 */
export function LiveThumb({ name }: { name: string }) {
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!failed) return;
    const t = setTimeout(() => {
      setFailed(false);
      setAttempt((n) => n + 1);
    }, THUMB_RETRY_MS);
    return () => clearTimeout(t);
  }, [failed]);

  const src = `/thumb/${encodeURIComponent(name)}.jpg${attempt > 0 ? `?retry=${attempt}` : ''}`;
  return (
    <>
      <span class="card-initial" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      {!failed && (
        <img
          key={src}
          class="card-image"
          src={src}
          alt=""
          loading="lazy"
          data-loaded={loaded ? 'true' : 'false'}
          onLoad={() => setLoaded(true)}
          onError={() => {
            setLoaded(false);
            setFailed(true);
          }}
        />
      )}
    </>
  );
}
