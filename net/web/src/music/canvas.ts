// What the DJ visualiser and the dashboard's spectrum share when they draw a frame: a canvas
// sized to its box at the screen's pixel density (capped at 2, which is as sharp as bars get),
// and the bars' colour ramp from violet (low bands) to green (high).

export interface FittedCanvas {
  g: CanvasRenderingContext2D;
  w: number;
  h: number;
  dpr: number;
}

/** Resizes `el`'s backing store to its CSS box when that changed, cleared; null without 2-D. */
export function fitCanvas(el: HTMLCanvasElement): FittedCanvas | null {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(el.clientWidth * dpr));
  const h = Math.max(1, Math.round(el.clientHeight * dpr));
  if (el.width !== w || el.height !== h) {
    el.width = w;
    el.height = h;
  }
  const g = el.getContext('2d');
  if (!g) return null;
  g.clearRect(0, 0, w, h);
  return { g, w, h, dpr };
}

/** The hue of band `i` of `n`. */
export function bandHue(i: number, n: number): number {
  return 260 - (i / n) * 120;
}
