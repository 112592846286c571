import { beforeEach, describe, expect, it } from 'vitest';
import { BACKOFF_FIRST_MS, BACKOFF_MAX_MS, IDLE_CLOSE_MS, LiveConnection, type Frame, type LiveSnapshot, type SocketLike } from './connection';

const TOKEN = 't'.repeat(64);

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  sent: Frame[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as Frame);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  /** The server (or network) ends the connection. */
  lose() {
    this.onclose?.({});
  }
  types() {
    return this.sent.map((f) => f.type);
  }
}

class FakeTimers {
  private next = 1;
  pending = new Map<number, { fn: () => void; ms: number }>();
  set = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (id: unknown) => {
    this.pending.delete(id as number);
  };
  delays() {
    return [...this.pending.values()].map((t) => t.ms);
  }
  /** Runs every pending timer once. */
  fireAll() {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, t] of due) t.fn();
  }
}

let sockets: FakeSocket[];
let timers: FakeTimers;
const latest = () => sockets[sockets.length - 1]!;

function connection() {
  return new LiveConnection({
    url: () => 'ws://test/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
  });
}

beforeEach(() => {
  sockets = [];
  timers = new FakeTimers();
});

describe('LiveConnection', () => {
  it('opens only when something needs it', () => {
    const live = connection();
    live.setIdentity(null);
    live.subscribe('notifications', () => {});
    expect(sockets).toHaveLength(0); // topics need a signed-in token
    live.joinRoom('nova', () => {}, () => {});
    expect(sockets).toHaveLength(1);
    expect(latest().url).toBe('ws://test/ws');
  });

  it('sends auth, then subscribe and join once the server answered auth', () => {
    const live = connection();
    live.setIdentity({ token: TOKEN });
    const resets: number[] = [];
    const frames: Frame[] = [];
    live.subscribe('notifications', () => {});
    live.joinRoom('nova', (f) => frames.push(f), () => resets.push(frames.length));
    const ws = latest();
    ws.open();
    expect(resets).toEqual([0]);
    expect(ws.sent).toEqual([{ type: 'auth', token: TOKEN, ref: 'live:auth' }]);
    ws.receive({ type: 'auth_ok', user: 'ada', ref: 'live:auth' });
    expect(ws.types()).toEqual(['auth', 'subscribe', 'join']);
    expect(ws.sent[1]).toMatchObject({ topics: ['notifications'] });
    expect(ws.sent[2]).toEqual({ type: 'join', channel: 'nova' });
    expect(frames.map((f) => f.type)).toEqual(['auth_ok']); // the chat learns who it is
  });

  it('joins at once without an identity, and does not subscribe for guests or failed auth', () => {
    const anon = connection();
    anon.joinRoom('nova', () => {}, () => {});
    latest().open();
    expect(latest().types()).toEqual(['join']);

    const guest = connection();
    guest.setIdentity({ guest: 'dana' });
    guest.subscribe('notifications', () => {});
    guest.joinRoom('nova', () => {}, () => {});
    latest().open();
    latest().receive({ type: 'auth_ok', user: 'guest:dana', ref: 'live:auth' });
    expect(latest().sent).toEqual([{ type: 'auth', guest: 'dana', ref: 'live:auth' }, { type: 'join', channel: 'nova' }]);

    const expired = connection();
    expired.setIdentity({ token: TOKEN });
    expired.subscribe('notifications', () => {});
    expired.joinRoom('nova', () => {}, () => {});
    latest().open();
    latest().receive({ type: 'error', code: 'unauthorized', ref: 'live:auth' });
    expect(latest().types()).toEqual(['auth', 'join']);
  });

  it('resubscribes and rejoins after a reconnect', () => {
    const live = connection();
    live.setIdentity({ token: TOKEN });
    const snaps: LiveSnapshot[] = [];
    live.onStatus((s) => snaps.push(s));
    live.subscribe('notifications', () => {});
    let resets = 0;
    live.joinRoom('nova', () => {}, () => resets++);
    latest().open();
    latest().receive({ type: 'auth_ok', user: 'ada', ref: 'live:auth' });
    latest().receive({ type: 'subscribed', topics: ['notifications'], ref: 'live:topics' });
    expect(live.snapshot()).toEqual({ status: 'open', topics: ['notifications'] });

    latest().lose();
    expect(live.snapshot()).toEqual({ status: 'closed', topics: [] });
    timers.fireAll();
    expect(sockets).toHaveLength(2);
    latest().open();
    latest().receive({ type: 'auth_ok', user: 'ada', ref: 'live:auth' });
    expect(latest().types()).toEqual(['auth', 'subscribe', 'join']);
    expect(resets).toBe(2);
    expect(snaps.map((s) => s.status)).toEqual(['connecting', 'open', 'open', 'closed', 'connecting', 'open']);
  });

  it('backs off from 1 s doubling to 30 s, and starts over after an open', () => {
    const live = connection();
    live.joinRoom('nova', () => {}, () => {});
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      latest().lose();
      delays.push(...timers.delays());
      timers.fireAll();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, BACKOFF_MAX_MS, BACKOFF_MAX_MS]);
    latest().open();
    latest().lose();
    expect(timers.delays()).toEqual([BACKOFF_FIRST_MS]);
  });

  it('splits batches and routes notifications to their topic, the rest to the room', () => {
    const live = connection();
    live.setIdentity({ token: TOKEN });
    const pushed: Frame[] = [];
    const room: Frame[] = [];
    live.subscribe('notifications', (f) => pushed.push(f));
    live.joinRoom('nova', (f) => room.push(f), () => {});
    latest().open();
    latest().receive([
      { type: 'auth_ok', user: 'ada', ref: 'live:auth' },
      { type: 'subscribed', topics: ['notifications'], ref: 'live:topics' },
      { type: 'msg', id: 1, user: 'bo', text: 'hi' },
      { type: 'notification', notification: { id: 'live:nova:1', channel: 'nova' } },
      { type: 'presence', viewers: 3 },
    ]);
    latest().receive({ type: 'notice', code: 'sign_in_required', ref: 'live:topics' });
    latest().onmessage?.({ data: 'not json' });
    expect(pushed).toEqual([{ type: 'notification', notification: { id: 'live:nova:1', channel: 'nova' } }]);
    expect(room.map((f) => f.type)).toEqual(['auth_ok', 'msg', 'presence']);
    expect(live.snapshot().topics).toEqual(['notifications']);
  });

  it('routes dm and friend frames to the messages topic', () => {
    const live = connection();
    live.setIdentity({ token: TOKEN });
    const messages: Frame[] = [];
    const notes: Frame[] = [];
    const room: Frame[] = [];
    live.subscribe('messages', (f) => messages.push(f));
    live.subscribe('notifications', (f) => notes.push(f));
    live.joinRoom('nova', (f) => room.push(f), () => {});
    latest().open();
    latest().receive({ type: 'auth_ok', user: 'ada', ref: 'live:auth' });
    // One subscribe per topic, so an unknown one is refused alone.
    expect(latest().sent.slice(1, 3)).toEqual([
      { type: 'subscribe', topics: ['messages'], ref: 'live:topics' },
      { type: 'subscribe', topics: ['notifications'], ref: 'live:topics' },
    ]);
    const dm = { type: 'dm', message: { id: 1, from: 'bo', to: 'ada', text: 'hi', at_ms: 5 } };
    const friend = { type: 'friend', user: 'bo', state: 'requested' };
    latest().receive([dm, friend, { type: 'raid', target: 'vega', viewers: 3, go_at_ms: 9 }]);
    expect(messages).toEqual([dm, friend]);
    expect(notes).toEqual([]);
    expect(room.map((f) => f.type)).toEqual(['auth_ok', 'raid']); // raid frames belong to the room
  });

  it('reconnects when the identity changes', () => {
    const live = connection();
    live.joinRoom('nova', () => {}, () => {});
    const first = latest();
    first.open();
    live.setIdentity({ guest: 'dana' });
    expect(first.closed).toBe(true);
    expect(sockets).toHaveLength(2);
    latest().open();
    expect(latest().sent[0]).toEqual({ type: 'auth', guest: 'dana', ref: 'live:auth' });
    live.setIdentity({ guest: 'dana' });
    expect(sockets).toHaveLength(2); // same identity: nothing to do
    first.lose(); // a dropped socket's late close does not schedule anything
    expect(timers.delays()).toEqual([]);
  });

  it('sends unsubscribe when the last listener of a topic goes', () => {
    const live = connection();
    live.setIdentity({ token: TOKEN });
    live.joinRoom('nova', () => {}, () => {});
    const stopA = live.subscribe('notifications', () => {});
    latest().open();
    latest().receive({ type: 'auth_ok', user: 'ada', ref: 'live:auth' });
    const stopB = live.subscribe('notifications', () => {});
    expect(latest().types()).toEqual(['auth', 'subscribe', 'join']); // already subscribed
    stopA();
    stopA();
    expect(latest().types()).toHaveLength(3);
    stopB();
    expect(latest().sent[3]).toEqual({ type: 'unsubscribe', topics: ['notifications'], ref: 'live:topics' });
  });

  it('leaves the room and closes the idle socket a while later', () => {
    const live = connection();
    const leave = live.joinRoom('nova', () => {}, () => {});
    latest().open();
    leave();
    expect(latest().types()).toEqual(['join', 'leave']);
    expect(timers.delays()).toEqual([IDLE_CLOSE_MS]);
    const leaveVega = live.joinRoom('vega', () => {}, () => {}); // the next page joins before the linger ends
    expect(timers.delays()).toEqual([]);
    expect(latest().types()).toEqual(['join', 'leave', 'join']);
    leaveVega();
    timers.fireAll();
    expect(latest().closed).toBe(true);
    expect(live.snapshot().status).toBe('closed');
    expect(timers.delays()).toEqual([]); // closed on purpose: no reconnect
    live.joinRoom('nova', () => {}, () => {});
    expect(sockets).toHaveLength(2);
    live.dispose();
    expect(latest().closed).toBe(true);
    expect(live.send({ type: 'ping' })).toBe(false);
  });
  it('shares one room between several joiners of the same channel', () => {
    const live = connection();
    const chat: Frame[] = [];
    const poll: Frame[] = [];
    const leaveChat = live.joinRoom('nova', (f) => chat.push(f), () => {});
    const leavePoll = live.joinRoom('nova', (f) => poll.push(f), () => {});
    latest().open();
    expect(latest().types()).toEqual(['join']);
    latest().receive([{ type: 'poll', poll: { id: 'p1' } }, { type: 'msg', id: 1 }]);
    expect(chat).toHaveLength(2);
    expect(poll).toHaveLength(2);
    leavePoll();
    expect(latest().types()).toEqual(['join']); // the chat is still in the room
    const leaveOther = live.joinRoom('vega', () => {}, () => {});
    expect(latest().sent[1]).toEqual({ type: 'join', channel: 'vega' });
    latest().receive({ type: 'msg', id: 2 });
    expect(chat).toHaveLength(2); // vega's frames are not nova's
    leaveOther();
    expect(latest().sent[2]).toEqual({ type: 'join', channel: 'nova' });
    leaveChat();
    expect(latest().types()).toEqual(['join', 'join', 'join', 'leave']);
  });
});
