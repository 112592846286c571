import { describe, expect, it } from 'vitest';
import { parseGoLiveRoute, goLivePath } from './routes';
import { whipErrorText, whipUrl } from './whip';

describe('go live routes', () => {
  it('parses /golive/<channel> and refuses bad names', () => {
    expect(parseGoLiveRoute(['golive', 'gina'])).toEqual({ kind: 'golive', channel: 'gina' });
    expect(parseGoLiveRoute(['golive', 'a%20b'])).toBeNull();
    expect(parseGoLiveRoute(['golive', '%E0%A4%A'])).toBeNull();
    expect(parseGoLiveRoute(['golive'])).toBeNull();
    expect(parseGoLiveRoute(['golive', 'gina', 'x'])).toBeNull();
    expect(goLivePath('gina')).toBe('/golive/gina');
  });
});

describe('WHIP client helpers', () => {
  it('builds the endpoint URL with the layout', () => {
    expect(whipUrl('http://h:8080', 'gina', 'screen+camera')).toBe('http://h:8080/whip/gina?layout=screen%2Bcamera');
  });
  it('reads the node JSON error, else says what the status means', () => {
    expect(whipErrorText(409, '{"error":{"code":"channel_live","message":"already live"}}')).toBe('already live');
    expect(whipErrorText(401, 'nope')).toMatch(/stream key/);
    expect(whipErrorText(500, '')).toMatch(/HTTP 500/);
  });
});
