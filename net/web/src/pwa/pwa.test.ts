import { describe, expect, it } from 'vitest';
import { pushNotice } from './pushNotice';
import { base64UrlToBytes } from './pwa';

describe('pushNotice', () => {
  it('shows a go-live with the channel and its title and opens the channel page', () => {
    expect(pushNotice({ type: 'live', id: 'live:nova:s1', channel: 'nova', title: 'Speedrun', url: '/c/nova' })).toEqual({
      title: 'nova is live',
      body: 'Speedrun',
      tag: 'live:nova:s1',
      url: '/c/nova',
    });
  });
  it('never follows a link off the channel pages', () => {
    expect(pushNotice({ channel: 'nova', url: 'https://evil.example/' }).url).toBe('/c/nova');
    expect(pushNotice({ channel: '../x', url: '//evil.example' }).url).toBe('/');
    expect(pushNotice(null)).toEqual({ title: 'AeThex LIVE', body: 'Something new on AeThex LIVE', tag: 'aethex', url: '/' });
  });

  it('shows a personal notice (a lesson reminder) and opens its page on this site only', () => {
    expect(
      pushNotice({ type: 'course_reminder', id: 'rem:c1:l1:24h', title: 'Reminder: Ownership', url: '/courses/c1' }),
    ).toEqual({ title: 'AeThex LIVE', body: 'Reminder: Ownership', tag: 'rem:c1:l1:24h', url: '/courses/c1' });
    for (const url of ['//evil.example/x', 'https://evil.example/', '/a/../b', '/x\\y'])
      expect(pushNotice({ type: 'org_invitation', title: 'Join', url }).url).toBe('/');
  });
});

describe('base64UrlToBytes', () => {
  it('decodes unpadded base64url', () => {
    expect([...base64UrlToBytes('-_8')]).toEqual([0xfb, 0xff]);
    expect(base64UrlToBytes('BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4').length).toBe(65);
  });
});
