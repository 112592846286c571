// Dashboard: the channel's webhooks (docs/webhooks.md) — subscriptions to the public event
// catalogue with their status, a form to add one (the signing secret is shown once, right after),
// Delete, and per subscription the delivery log (status codes, latencies, outcomes) with a
// Redeliver button for notifications.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useAlive } from '../components/useAlive';
import {
  canRedeliver,
  createWebhook,
  deleteWebhook,
  deliveryStatusText,
  fetchCatalogue,
  fetchDeliveries,
  fetchWebhooks,
  plausibleUrl,
  redeliver,
  type CatalogueType,
  type CreatedWebhook,
  type Delivery,
  type Webhook,
} from './api';
import './webhooks.css';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');
const when = (ms: number) => (ms > 0 ? new Date(ms).toLocaleString() : '');

export function WebhooksPanel({ channel, token }: { channel: string; token: string }) {
  const alive = useAlive();
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [catalogue, setCatalogue] = useState<CatalogueType[]>([]);
  const [draft, setDraft] = useState({ type: 'channel.follow', url: '' });
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [log, setLog] = useState<Delivery[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = () =>
    fetchWebhooks(token, channel)
      .then((h) => alive.current && setHooks(h))
      .catch((e) => alive.current && setProblem(errorText(e)));
  const refreshLog = (id: string) =>
    fetchDeliveries(token, channel, id)
      .then((l) => alive.current && setLog(l))
      .catch((e) => alive.current && setProblem(errorText(e)));
  useEffect(() => {
    void refresh();
    fetchCatalogue()
      .then((c) => alive.current && setCatalogue(c))
      .catch(() => undefined);
  }, [channel, token]);

  const act = async (work: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await work();
    } catch (e) {
      if (alive.current) setProblem(errorText(e));
    }
    void refresh();
  };
  const add = (e: Event) => {
    e.preventDefault();
    if (!plausibleUrl(draft.url)) return setProblem('The URL must be an http:// or https:// address.');
    void act(async () => {
      const w = await createWebhook(token, channel, draft.type, draft.url);
      if (alive.current) {
        setCreated(w);
        setDraft({ ...draft, url: '' });
      }
    });
  };
  const showLog = (id: string) => {
    setOpen(open === id ? null : id);
    if (open !== id) void refreshLog(id);
  };

  return (
    <section class="webhooks-panel" data-testid="webhooks-panel">
      <h2>Webhooks</h2>
      {problem && (
        <p class="form-error" role="alert" data-testid="webhooks-error">
          {problem}
        </p>
      )}
      {created && (
        <p class="webhooks-secret" role="status" data-testid="webhooks-secret">
          Signing secret for {created.type} (shown only now; keep it to check signatures): <code>{created.secret}</code>{' '}
          <button class="btn" type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </p>
      )}
      <table class="webhooks-list">
        <thead>
          <tr>
            <th>Event</th>
            <th>URL</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {hooks.map((w) => (
            <tr key={w.id} data-testid={`webhook-${w.id}`}>
              <td>{w.type}</td>
              <td class="webhooks-url">{w.url}</td>
              <td class={`webhooks-status webhooks-status-${w.status}`}>
                {w.status.replace(/_/g, ' ')}
                {w.failingSinceMs > 0 && ` (failing since ${when(w.failingSinceMs)})`}
              </td>
              <td>
                <button class="btn" type="button" aria-expanded={open === w.id} onClick={() => showLog(w.id)}>
                  Deliveries
                </button>{' '}
                <button class="btn" type="button" onClick={() => void act(() => deleteWebhook(token, channel, w.id))}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
          {hooks.length === 0 && (
            <tr>
              <td colSpan={4}>No webhooks yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      <form class="dash-row webhooks-add" onSubmit={add}>
        <select aria-label="Event type" data-testid="webhooks-type" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.currentTarget.value })}>
          {catalogue.map((c) => (
            <option key={c.type} value={c.type} title={c.description}>
              {c.type}
            </option>
          ))}
        </select>
        <input placeholder="https://example.org/hooks/aethex" aria-label="Webhook URL" data-testid="webhooks-url" value={draft.url} onInput={(e) => setDraft({ ...draft, url: e.currentTarget.value })} />
        <button class="btn btn-primary" type="submit" data-testid="webhooks-add">
          Add webhook
        </button>
      </form>
      {open && (
        <div class="webhooks-log" data-testid="webhooks-log">
          <h3>
            Deliveries{' '}
            <button class="btn" type="button" onClick={() => void refreshLog(open)}>
              Refresh
            </button>
          </h3>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Message</th>
                <th>Attempt</th>
                <th>Status</th>
                <th>Latency</th>
                <th>Outcome</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td>{when(d.atMs)}</td>
                  <td>{d.eventType || d.messageType}</td>
                  <td>{d.attempt}</td>
                  <td>{deliveryStatusText(d)}</td>
                  <td>{d.latencyMs} ms</td>
                  <td>{d.outcome}</td>
                  <td>
                    {canRedeliver(d) && (
                      <button class="btn" type="button" onClick={() => void act(() => redeliver(token, channel, open, d.id)).then(() => refreshLog(open))}>
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
