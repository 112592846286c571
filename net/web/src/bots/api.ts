// REST calls of a channel's scripted bot (docs/api.md#bots, docs/bots.md): the owner reads and
// saves the Lua script, switches the bot on or off, manages template !commands and reads the log.
import { request } from '../accountApi';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}/bot`;

export type BotLevel = 'everyone' | 'follower' | 'subscriber' | 'vip' | 'moderator' | 'broadcaster';
export const BOT_LEVELS: readonly BotLevel[] = ['everyone', 'follower', 'subscriber', 'vip', 'moderator', 'broadcaster'];

export interface BotCommand {
  name: string;
  response: string;
  cooldownS: number;
  level: BotLevel;
  count: number;
}

export interface Bot {
  enabled: boolean;
  script: string;
  status: 'off' | 'idle' | 'running' | 'stopped';
  stoppedReason: string;
  commands: BotCommand[];
  scriptCommands: { name: string; cooldownS: number; level: string }[];
}

export interface BotLogEntry {
  atMs: number;
  kind: string;
  text: string;
}

const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);
const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

export function parseBot(v: unknown): Bot {
  const o = (v ?? {}) as Record<string, unknown>;
  const status = str(o.status, 'off');
  return {
    enabled: o.enabled === true,
    script: str(o.script),
    status: (['off', 'idle', 'running', 'stopped'].includes(status) ? status : 'off') as Bot['status'],
    stoppedReason: str(o.stopped_reason),
    commands: list(o.commands).map((c) => ({
      name: str(c.name),
      response: str(c.response),
      cooldownS: num(c.cooldown_s),
      level: (BOT_LEVELS.includes(c.level as BotLevel) ? c.level : 'everyone') as BotLevel,
      count: num(c.count),
    })),
    scriptCommands: list(o.script_commands).map((c) => ({ name: str(c.name), cooldownS: num(c.cooldown_s), level: str(c.level, 'everyone') })),
  };
}

export function parseBotLog(v: unknown): BotLogEntry[] {
  const o = (v ?? {}) as Record<string, unknown>;
  return list(o.entries).map((e) => ({ atMs: num(e.at_ms), kind: str(e.kind), text: str(e.text) }));
}

export async function fetchBot(token: string, channel: string): Promise<Bot> {
  return parseBot(await request('GET', base(channel), { token }));
}

export async function saveBot(token: string, channel: string, body: { script?: string; enabled?: boolean }): Promise<Bot> {
  return parseBot(await request('PUT', base(channel), { token, body }));
}

export async function saveBotCommand(token: string, channel: string, c: { name: string; response: string; cooldownS: number; level: BotLevel }): Promise<Bot> {
  const body = { response: c.response, cooldown_s: c.cooldownS, level: c.level };
  return parseBot(await request('PUT', `${base(channel)}/commands/${encodeURIComponent(c.name)}`, { token, body }));
}

export async function deleteBotCommand(token: string, channel: string, name: string): Promise<Bot> {
  return parseBot(await request('DELETE', `${base(channel)}/commands/${encodeURIComponent(name)}`, { token }));
}

export async function fetchBotLog(token: string, channel: string): Promise<BotLogEntry[]> {
  return parseBotLog(await request('GET', `${base(channel)}/log`, { token }));
}

/** A command name the server accepts: 1-25 of a-z, 0-9 and _ (without the `!`). */
export const validCommandName = (name: string) => /^[a-z0-9_]{1,25}$/.test(name);
