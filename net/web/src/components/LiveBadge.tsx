export function LiveBadge({ id }: { id?: string }) {
  return (
    <span id={id} class="live-badge" title="Live now">
      LIVE
    </span>
  );
}
