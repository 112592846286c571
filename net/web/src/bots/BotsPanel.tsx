// Dashboard: the channel's scripted bot (docs/bots.md) — the Lua script (a textarea; a script
// that does not compile is refused with Lua's message), the on/off switch and the status (a
// script past its instruction or memory limit shows as stopped, with the reason), the template
// !commands, and the bot's log.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useAlive } from '../components/useAlive';
import { BOT_LEVELS, deleteBotCommand, fetchBot, fetchBotLog, saveBot, saveBotCommand, validCommandName, type Bot, type BotLevel, type BotLogEntry } from './api';
import './bots.css';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

const EXAMPLE = `-- Commands, timers and events: see docs/bots.md
bot.command("dice", {cooldown = 5}, function(ctx)
  return ctx.user .. " rolls " .. math.random(6)
end)
bot.on("channel.follow", function(e) bot.say("Thanks for the follow, " .. e.user .. "!") end)
`;

export function BotsPanel({ channel, token }: { channel: string; token: string }) {
  const alive = useAlive();
  const [bot, setBot] = useState<Bot | null>(null);
  const [script, setScript] = useState('');
  const [log, setLog] = useState<BotLogEntry[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [draft, setDraft] = useState({ name: '', response: '', cooldownS: 5, level: 'everyone' as BotLevel });

  const refreshLog = () =>
    fetchBotLog(token, channel)
      .then((l) => alive.current && setLog(l))
      .catch(() => undefined);
  useEffect(() => {
    fetchBot(token, channel)
      .then((b) => {
        if (!alive.current) return;
        setBot(b);
        setScript(b.script || EXAMPLE);
      })
      .catch((e) => alive.current && setProblem(errorText(e)));
    void refreshLog();
  }, [channel, token]);

  const act = async (work: () => Promise<Bot>) => {
    setProblem(null);
    try {
      const b = await work();
      if (alive.current) setBot(b);
    } catch (e) {
      if (alive.current) setProblem(errorText(e));
    }
    void refreshLog();
  };
  const addCommand = (e: Event) => {
    e.preventDefault();
    if (!validCommandName(draft.name)) return setProblem('A command name is 1-25 characters of a-z, 0-9 and _.');
    void act(() => saveBotCommand(token, channel, draft)).then(() => alive.current && setDraft({ ...draft, name: '', response: '' }));
  };

  return (
    <section class="bots-panel" data-testid="bots-panel">
      <h2>Chat bot</h2>
      {problem && (
        <p class="form-error" role="alert" data-testid="bots-error">
          {problem}
        </p>
      )}
      {bot && (
        <>
          <div class="dash-row bots-status">
            <label>
              <input type="checkbox" data-testid="bots-enabled" checked={bot.enabled} onChange={(e) => void act(() => saveBot(token, channel, { enabled: e.currentTarget.checked }))} />
              Bot on
            </label>
            <span class={`bots-state bots-state-${bot.status}`} data-testid="bots-status">
              {bot.status}
              {bot.status === 'stopped' && `: ${bot.stoppedReason}`}
            </span>
          </div>
          <form onSubmit={(e) => (e.preventDefault(), void act(() => saveBot(token, channel, { script })))}>
            <label class="bots-script">
              Lua script
              <textarea data-testid="bots-script" rows={14} spellcheck={false} value={script} onInput={(e) => setScript(e.currentTarget.value)} />
            </label>
            <button class="btn btn-primary" type="submit" data-testid="bots-save">
              Save script
            </button>
          </form>
          <h3>Commands</h3>
          <table class="bots-commands">
            <thead>
              <tr>
                <th>Command</th>
                <th>Response</th>
                <th>Cooldown</th>
                <th>Who</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {bot.commands.map((c) => (
                <tr key={c.name} data-testid={`bots-command-${c.name}`}>
                  <td>!{c.name}</td>
                  <td>{c.response}</td>
                  <td>{c.cooldownS} s</td>
                  <td>{c.level}</td>
                  <td>
                    <button class="btn" type="button" onClick={() => void act(() => deleteBotCommand(token, channel, c.name))}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
              {bot.scriptCommands.map((c) => (
                <tr key={`lua-${c.name}`} class="bots-script-command">
                  <td>!{c.name}</td>
                  <td>(Lua)</td>
                  <td>{c.cooldownS} s</td>
                  <td>{c.level}</td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
          <form class="dash-row bots-add" onSubmit={addCommand}>
            <input placeholder="name" aria-label="Command name" data-testid="bots-new-name" value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            <input placeholder="Hello $(user)!" aria-label="Response" data-testid="bots-new-response" value={draft.response} onInput={(e) => setDraft({ ...draft, response: e.currentTarget.value })} />
            <input type="number" min={0} max={86400} aria-label="Cooldown in seconds" value={draft.cooldownS} onInput={(e) => setDraft({ ...draft, cooldownS: Number(e.currentTarget.value) || 0 })} />
            <select aria-label="Who may use it" value={draft.level} onChange={(e) => setDraft({ ...draft, level: e.currentTarget.value as BotLevel })}>
              {BOT_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
            <button class="btn" type="submit" data-testid="bots-add">
              Add command
            </button>
          </form>
          <h3>
            Log{' '}
            <button class="btn" type="button" onClick={() => void refreshLog()}>
              Refresh
            </button>
          </h3>
          <ol class="bots-log" data-testid="bots-log">
            {log.map((e, i) => (
              <li key={i} class={`bots-log-${e.kind}`}>
                <time>{new Date(e.atMs).toLocaleTimeString()}</time> <b>{e.kind}</b> {e.text}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
