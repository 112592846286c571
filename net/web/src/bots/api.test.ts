import { describe, expect, it } from 'vitest';
import { parseBot, parseBotLog, validCommandName } from './api';

describe('bots api', () => {
  it('reads a bot and its log', () => {
    const bot = parseBot({
      enabled: true,
      script: 'x',
      status: 'stopped',
      stopped_reason: 'instruction budget exceeded',
      commands: [{ name: 'hello', response: 'Hi $(user)', cooldown_s: 5, level: 'vip', count: 2 }],
      script_commands: [{ name: 'dice', cooldown_s: 0, level: 'everyone' }],
    });
    expect(bot.status).toBe('stopped');
    expect(bot.stoppedReason).toBe('instruction budget exceeded');
    expect(bot.commands[0]).toEqual({ name: 'hello', response: 'Hi $(user)', cooldownS: 5, level: 'vip', count: 2 });
    expect(bot.scriptCommands[0]!.name).toBe('dice');
    expect(parseBot({ status: 'weird', commands: [{ level: 'king' }] }).status).toBe('off');
    expect(parseBotLog({ entries: [{ at_ms: 1, kind: 'stopped', text: 't' }] })).toEqual([{ atMs: 1, kind: 'stopped', text: 't' }]);
  });
  it('checks command names like the server', () => {
    expect(validCommandName('hello_2')).toBe(true);
    expect(validCommandName('Hello')).toBe(false);
    expect(validCommandName('')).toBe(false);
  });
});
