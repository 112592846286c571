// Whether the component is still mounted: async answers that arrive after it went are dropped
// instead of setting state on a gone component.
import { useEffect, useRef } from 'preact/hooks';

export function useAlive(): { current: boolean } {
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  return alive;
}
