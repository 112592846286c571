import { describe, expect, it } from 'vitest';

describe('the dashboard Emotes tab', () => {
  it('opens from ?tab=emotes', async () => {
    const { parseDashboardTab } = await import('../pages/Dashboard');
    expect(parseDashboardTab('?tab=emotes')).toBe('emotes');
  });
});
