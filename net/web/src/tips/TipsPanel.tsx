// Dashboard: the channel's tips — settings (minimum, TTS minimum, alerts, alert duration), the
// campaign (start, end, progress), the tips received (newest first, refunds marked, messages
// AutoMod hid flagged) and the OBS overlay URLs.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useAlive } from '../components/useAlive';
import { endCampaign, fetchTips, fetchTipSettings, saveTipSettings, startCampaign, type TipRow, type TipSettings } from './api';
import { CampaignBar, useCampaign } from './CampaignBar';
import { formatAmount, parseAmountInput } from './model';
import './tips.css';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function TipsPanel({ channel, token }: { channel: string; token: string }) {
  const alive = useAlive();
  const [settings, setSettings] = useState<TipSettings | null>(null);
  const [tips, setTips] = useState<TipRow[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [title, setTitle] = useState('');
  const [goal, setGoal] = useState('100.00');
  const campaign = useCampaign(channel);

  useEffect(() => {
    fetchTipSettings(channel)
      .then((s) => alive.current && setSettings(s))
      .catch((e) => alive.current && setProblem(errorText(e)));
    fetchTips(token, channel)
      .then((t) => alive.current && setTips(t))
      .catch(() => undefined);
  }, [channel, token]);

  const act = async (work: () => Promise<unknown>) => {
    setProblem(null);
    setSaved(false);
    try {
      await work();
      if (alive.current) setSaved(true);
    } catch (e) {
      if (alive.current) setProblem(errorText(e));
    }
  };
  const money = (v: number) => (v / 100).toFixed(2);
  const setMoney = (key: 'minAmount' | 'ttsMin', text: string) => {
    const v = parseAmountInput(text);
    if (settings && v !== null) setSettings({ ...settings, [key]: v });
  };
  const running = campaign && campaign.status === 'active';

  return (
    <section class="tips-panel" data-testid="tips-panel">
      <h2>Tips</h2>
      {settings && (
        <form class="tips-settings" onSubmit={(e) => (e.preventDefault(), void act(() => saveTipSettings(token, channel, settings)))}>
          <label>
            Minimum tip
            <input data-testid="tips-min" defaultValue={money(settings.minAmount)} onChange={(e) => setMoney('minAmount', e.currentTarget.value)} />
          </label>
          <label>
            Text-to-speech from
            <input data-testid="tips-tts" defaultValue={money(settings.ttsMin)} onChange={(e) => setMoney('ttsMin', e.currentTarget.value)} />
          </label>
          <label>
            Alert seconds
            <input type="number" min={1} max={60} value={settings.alertDurationS} onChange={(e) => setSettings({ ...settings, alertDurationS: Number(e.currentTarget.value) })} />
          </label>
          <label class="donate-check">
            <input type="checkbox" checked={settings.alerts} onChange={(e) => setSettings({ ...settings, alerts: e.currentTarget.checked })} />
            Show alerts
          </label>
          <button class="btn btn-primary" type="submit">
            Save
          </button>
        </form>
      )}
      <p class="muted">
        OBS browser sources for the alerts and the campaign goal: Stream tab → OBS overlays (their URLs carry the channel's overlay token).
      </p>
      <h3>Campaign</h3>
      <CampaignBar channel={channel} showEnded />
      {running ? (
        <button class="btn" onClick={() => void act(() => endCampaign(token, channel))}>
          End the campaign
        </button>
      ) : (
        <form
          class="tips-settings"
          onSubmit={(e) => {
            e.preventDefault();
            const g = parseAmountInput(goal);
            if (g === null) return setProblem('The goal is an amount such as 100.00');
            void act(() => startCampaign(token, channel, { title, goal: g }));
          }}
        >
          <label>
            Title
            <input data-testid="campaign-title" maxLength={60} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          <label>
            Goal
            <input data-testid="campaign-goal" value={goal} onInput={(e) => setGoal(e.currentTarget.value)} />
          </label>
          <button class="btn btn-primary" type="submit" disabled={title.trim() === ''}>
            Start a campaign
          </button>
        </form>
      )}
      {problem && (
        <p class="donate-error" role="alert">
          {problem}
        </p>
      )}
      {saved && <p class="muted">Saved.</p>}
      <h3>Received</h3>
      {tips.length === 0 ? (
        <p class="muted">No tips yet.</p>
      ) : (
        <table class="tips-table">
          <tbody>
            {tips.map((t) => (
              <tr key={t.id} data-status={t.status}>
                <td>{new Date(t.atMs).toLocaleString()}</td>
                <td>
                  {t.from}
                  {t.anonymous && ' (anonymous)'}
                </td>
                <td>{formatAmount(t.amount, t.currency)}</td>
                <td>
                  {t.message}
                  {!t.messageShown && ' — hidden by AutoMod'}
                </td>
                <td>{t.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
