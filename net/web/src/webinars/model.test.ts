import { describe, expect, it } from 'vitest';
import { parseSlideFrame, parseTimeline, parseWebinar, parseWebinarsRoute, slideAt, stepPage } from './model';

describe('webinar model', () => {
  it('parses the route', () => {
    expect(parseWebinarsRoute(['webinars', '0123456789ab'])).toEqual({ kind: 'webinar', id: '0123456789ab' });
    expect(parseWebinarsRoute(['webinars', 'nope'])).toBeNull();
    expect(parseWebinarsRoute(['webinars'])).toBeNull();
  });

  it('parses a webinar with slides and rights', () => {
    const w = parseWebinar({
      id: 'a',
      channel: 'alice',
      title: 'T',
      starts_at_ms: 5,
      duration_min: 30,
      access: 'registered',
      slides: { pages: 3, current: 2, upload: 1, rendering: false, rendered: 3, error: null },
      can: { watch: true, present: true },
      registered: true,
    });
    expect(w?.slides?.current).toBe(2);
    expect(w?.can.present).toBe(true);
    expect(w?.can.manage).toBe(false);
    expect(w?.access).toBe('registered');
    expect(parseWebinar({ id: 1 })).toBeNull();
  });

  it('reads only slide frames of its webinar', () => {
    const f = { type: 'slide', webinar: 'w1', page: 3, pages: 5, url: '/x?v=2', at_ms: 9 };
    expect(parseSlideFrame(f, 'w1')).toEqual({ webinar: 'w1', page: 3, pages: 5, url: '/x?v=2', atMs: 9 });
    expect(parseSlideFrame(f, 'w2')).toBeNull();
    expect(parseSlideFrame({ ...f, type: 'qa' }, 'w1')).toBeNull();
    expect(parseSlideFrame({ ...f, page: 0 }, 'w1')).toBeNull();
  });

  it('finds the slide a recording shows at a time', () => {
    const t = parseTimeline({ slides: [{ at_ms: 5000, page: 3, webinar: 'w' }, { at_ms: 0, page: 2, webinar: 'w' }] });
    expect(t.map((e) => e.page)).toEqual([2, 3]);
    expect(slideAt(t, 0)?.page).toBe(2);
    expect(slideAt(t, 4999)?.page).toBe(2);
    expect(slideAt(t, 5000)?.page).toBe(3);
    expect(slideAt([], 10)).toBeNull();
    expect(slideAt(parseTimeline({ slides: [{ at_ms: 100, page: 1, webinar: 'w' }] }), 50)).toBeNull();
  });

  it('keeps steps within the deck', () => {
    expect(stepPage(1, 3, -1)).toBe(1);
    expect(stepPage(3, 3, 1)).toBe(3);
    expect(stepPage(2, 3, 1)).toBe(3);
    expect(stepPage(1, 0, 1)).toBe(1);
  });
});
