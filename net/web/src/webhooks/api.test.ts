import { describe, expect, it } from 'vitest';
import { canRedeliver, deliveryStatusText, parseCatalogue, parseCreated, parseDeliveries, parseWebhooks, plausibleUrl } from './api';

describe('webhooks api', () => {
  it('reads subscriptions, the secret of a new one, and the catalogue', () => {
    const [w] = parseWebhooks({
      webhooks: [{ id: 'a1', type: 'channel.follow', url: 'https://x.example/h', status: 'enabled', created_at_ms: 5, failing_since_ms: 0 }],
    });
    expect(w).toEqual({ id: 'a1', type: 'channel.follow', url: 'https://x.example/h', status: 'enabled', createdAtMs: 5, failingSinceMs: 0 });
    expect(parseWebhooks({ webhooks: [{ status: 'weird' }] })[0]!.status).toBe('verification_pending');
    expect(parseWebhooks(null)).toEqual([]);
    expect(parseCreated({ id: 'b', status: 'verification_pending', secret: 'ff' }).secret).toBe('ff');
    expect(parseCatalogue({ types: [{ type: 'stream.online', description: 'Live.' }] })).toEqual([{ type: 'stream.online', description: 'Live.' }]);
  });
  it('reads the delivery log and says what may be sent again', () => {
    const rows = parseDeliveries({
      deliveries: [
        { id: 4, message_id: 'm', message_type: 'notification', event_type: 'chat.message', attempt: 2, status: 204, latency_ms: 12, error: '', at_ms: 9, outcome: 'delivered' },
        { id: 3, message_type: 'notification', status: 0, error: 'unavailable: timeout', outcome: 'retrying' },
        { id: 1, message_type: 'webhook_callback_verification', status: 200, outcome: 'delivered' },
      ],
    });
    expect(rows[0]!.latencyMs).toBe(12);
    expect(rows.map(canRedeliver)).toEqual([true, false, false]);
    expect(rows.map(deliveryStatusText)).toEqual(['204', 'unavailable: timeout', '200']);
  });
  it('checks URLs like the server does before it resolves them', () => {
    expect(plausibleUrl('https://hooks.example.org/aethex')).toBe(true);
    expect(plausibleUrl('http://127.0.0.1:8080/x')).toBe(true); // the server decides about addresses
    expect(plausibleUrl('ftp://example.org/')).toBe(false);
    expect(plausibleUrl('https://exa mple.org/')).toBe(false);
    expect(plausibleUrl('not a url')).toBe(false);
    expect(plausibleUrl(`https://e.org/${'a'.repeat(2050)}`)).toBe(false);
  });
});
