// The page's one WebSocket to /ws (docs/chat-protocol.md). Identity, topic subscriptions and one
// chat room share it, so no feature opens a socket of its own. After every (re)connect it sends
// auth, then, once the server has answered it (token auth resolves asynchronously, and a
// subscribe before that is refused), subscribe and join. Reconnects with back-off: 1 s doubling
// to 30 s, back to 1 s after a successful open.

export type Identity = { token: string } | { guest: string } | null;
export type LiveStatus = 'connecting' | 'open' | 'closed';
export type Frame = Record<string, unknown>;
export type FrameListener = (frame: Frame) => void;

/** What components see: the socket's state and the topics the server confirmed. */
export interface LiveSnapshot {
  status: LiveStatus;
  topics: readonly string[];
}

/** The part of a WebSocket this module uses, so tests can pass a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

export interface LiveOptions {
  url?: () => string;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
}

export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;
/** A socket nothing needs any more lingers this long, so moving between pages keeps it. */
export const IDLE_CLOSE_MS = 10_000;

// Our own requests carry these refs, so their answers are told apart from the room's frames.
const AUTH_REF = 'live:auth';
const TOPICS_REF = 'live:topics';
/** Server frame type -> the topic whose listeners get it. */
const FRAME_TOPICS = new Map([
  ['notification', 'notifications'],
  // Direct messages (to both participants), friend-request changes (to the other user) and
  // friends' presence.
  ['dm', 'messages'],
  ['friend', 'messages'],
  ['friend_presence', 'messages'],
]);

interface Room {
  channel: string;
  onFrame: FrameListener;
  onReset: () => void;
}

export function liveUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/ws`;
}

const browserTimers: Timers = {
  set: (fn, ms) => window.setTimeout(fn, ms),
  clear: (id) => window.clearTimeout(id as number),
};

function sameIdentity(a: Identity, b: Identity): boolean {
  if (a === null || b === null) return a === b;
  if ('token' in a) return 'token' in b && a.token === b.token;
  return 'guest' in b && a.guest === b.guest;
}

export class LiveConnection {
  private socket: SocketLike | null = null;
  private status: LiveStatus = 'closed';
  /** Auth answered (or none to send): joins and subscribes may go out. */
  private ready = false;
  private signedIn = false;
  private confirmedTopics: readonly string[] = [];
  private identity: Identity = null;
  private readonly topics = new Map<string, Set<FrameListener>>();
  /** Everyone who joined a room, in order; the last one's channel is the room joined. */
  private rooms: Room[] = [];
  private readonly statusListeners = new Set<(s: LiveSnapshot) => void>();
  private backoffMs = BACKOFF_FIRST_MS;
  private retryTimer: unknown = null;
  private idleTimer: unknown = null;
  private disposed = false;
  private readonly url: () => string;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly timers: Timers;

  constructor(opts: LiveOptions = {}) {
    this.url = opts.url ?? liveUrl;
    this.createSocket = opts.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.timers = opts.timers ?? browserTimers;
  }

  snapshot(): LiveSnapshot {
    return { status: this.status, topics: this.confirmedTopics };
  }

  /** Who the socket signs in as; the server takes one auth per connection, so a change reconnects. */
  setIdentity(next: Identity): void {
    if (sameIdentity(this.identity, next)) return;
    this.identity = next;
    if (this.socket) {
      this.drop();
      this.backoffMs = BACKOFF_FIRST_MS;
    }
    this.update();
  }

  /** Listens to a topic's frames; the server is asked for the topic while signed in with a token. */
  subscribe(topic: string, listener: FrameListener): () => void {
    let listeners = this.topics.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.topics.set(topic, listeners);
      if (this.canSubscribe()) this.sendTopics('subscribe', [topic]);
    }
    const mine = listeners;
    mine.add(listener);
    this.update();
    return () => {
      if (!mine.delete(listener) || mine.size > 0 || this.topics.get(topic) !== mine) return;
      this.topics.delete(topic);
      if (this.canSubscribe()) this.sendTopics('unsubscribe', [topic]);
      this.update();
    };
  }

  /**
   * Joins a chat room (one at a time: the latest join's channel is the room). Several parts of a
   * page may join the same channel (the chat, the poll, the hype train): the server is asked
   * once and every one of them gets the room's frames. `onReset` runs before every (re)connect's
   * replay, since the server then sends the room's history again.
   */
  joinRoom(channel: string, onFrame: FrameListener, onReset: () => void): () => void {
    const room: Room = { channel, onFrame, onReset };
    const before = this.activeChannel();
    this.rooms.push(room);
    if (this.ready && before !== channel) this.sendNow({ type: 'join', channel });
    this.update();
    return () => {
      const i = this.rooms.indexOf(room);
      if (i < 0) return;
      const was = this.activeChannel();
      this.rooms.splice(i, 1);
      const now = this.activeChannel();
      if (this.ready && now !== was) this.sendNow(now === null ? { type: 'leave' } : { type: 'join', channel: now });
      this.update();
    };
  }

  private activeChannel(): string | null {
    return this.rooms[this.rooms.length - 1]?.channel ?? null;
  }

  /** The joiners of the room joined now. */
  private activeRooms(): Room[] {
    const channel = this.activeChannel();
    return this.rooms.filter((r) => r.channel === channel);
  }

  onStatus(listener: (s: LiveSnapshot) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Sends a frame if the socket is open; false when it is not. */
  send(frame: Frame): boolean {
    if (this.status !== 'open') return false;
    this.sendNow(frame);
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer('retryTimer');
    this.clearTimer('idleTimer');
    this.drop();
  }

  private needed(): boolean {
    if (this.disposed) return false;
    return this.rooms.length > 0 || (this.identity !== null && 'token' in this.identity && this.topics.size > 0);
  }

  /** Opens the socket when something needs it; lets it go a while after nothing does. */
  private update(): void {
    if (this.needed()) {
      this.clearTimer('idleTimer');
      if (!this.socket && this.retryTimer === null) this.connect();
      return;
    }
    this.clearTimer('retryTimer');
    if (this.socket && this.idleTimer === null)
      this.idleTimer = this.timers.set(() => {
        this.idleTimer = null;
        if (!this.needed()) this.drop();
      }, IDLE_CLOSE_MS);
  }

  private connect(): void {
    const ws = this.createSocket(this.url());
    this.socket = ws;
    this.setStatus('connecting');
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.backoffMs = BACKOFF_FIRST_MS;
      for (const room of this.activeRooms()) room.onReset();
      this.setStatus('open');
      const id = this.identity;
      if (id === null) this.becomeReady();
      else this.sendNow('token' in id ? { type: 'auth', token: id.token, ref: AUTH_REF } : { type: 'auth', guest: id.guest, ref: AUTH_REF });
    };
    ws.onmessage = (ev) => {
      if (this.socket === ws) this.receive(ev.data);
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.forget();
      this.setStatus('closed');
      if (!this.needed()) return;
      const delay = this.backoffMs;
      this.backoffMs = Math.min(delay * 2, BACKOFF_MAX_MS);
      this.retryTimer = this.timers.set(() => {
        this.retryTimer = null;
        if (this.needed() && !this.socket) this.connect();
      }, delay);
    };
  }

  private becomeReady(): void {
    this.ready = true;
    // One frame per topic: a topic the server does not know is refused alone, not with the rest.
    if (this.canSubscribe()) for (const topic of this.topics.keys()) this.sendTopics('subscribe', [topic]);
    const channel = this.activeChannel();
    if (channel !== null) this.sendNow({ type: 'join', channel });
  }

  private receive(data: unknown): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return;
    }
    // A message may be a batch: a JSON array of frames.
    for (const f of Array.isArray(parsed) ? parsed : [parsed])
      if (typeof f === 'object' && f !== null && !Array.isArray(f)) this.route(f as Frame);
  }

  private route(f: Frame): void {
    const type = typeof f.type === 'string' ? f.type : '';
    const topic = FRAME_TOPICS.get(type);
    if (topic !== undefined) {
      for (const listener of [...(this.topics.get(topic) ?? [])]) listener(f);
      return;
    }
    if (type === 'subscribed') {
      this.confirmedTopics = Array.isArray(f.topics) ? f.topics.filter((t): t is string => typeof t === 'string') : [];
      this.emit();
      return;
    }
    if (f.ref === TOPICS_REF) return; // a refused subscribe is nothing the chat should show
    if (type === 'signed_out') {
      // The server left every topic with the session.
      this.signedIn = false;
      this.confirmedTopics = [];
      this.emit();
    }
    const authReply = f.ref === AUTH_REF && !this.ready;
    for (const room of this.activeRooms()) room.onFrame(f);
    if (authReply) {
      this.signedIn = type === 'auth_ok';
      this.becomeReady();
    }
  }

  private canSubscribe(): boolean {
    return this.ready && this.signedIn && this.identity !== null && 'token' in this.identity;
  }

  private sendTopics(type: 'subscribe' | 'unsubscribe', topics: string[]): void {
    this.sendNow({ type, topics, ref: TOPICS_REF });
  }

  private sendNow(frame: Frame): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private forget(): void {
    this.socket = null;
    this.ready = false;
    this.signedIn = false;
    this.confirmedTopics = [];
  }

  /** Closes the socket on purpose: no reconnect follows. */
  private drop(): void {
    const ws = this.socket;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    this.forget();
    ws.close();
    this.setStatus('closed');
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit();
  }

  private emit(): void {
    const snap = this.snapshot();
    for (const listener of [...this.statusListeners]) listener(snap);
  }

  private clearTimer(which: 'retryTimer' | 'idleTimer'): void {
    if (this[which] === null) return;
    this.timers.clear(this[which]);
    this[which] = null;
  }
}
