import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Bus } from './bus.js';

const CHANNEL = 'openmid_bus';
// pg_notify payloads are limited to 8000 bytes; messages are small hints (ids), never data.
const MAX_PAYLOAD = 7900;

interface Envelope {
  t: string;
  m: string;
}

/**
 * Many nodes on one PostgreSQL: LISTEN/NOTIFY on one channel. Publishing goes through NOTIFY
 * only, so a node hears its own messages the same way as the others do. A dropped listener
 * connection reconnects; messages sent meanwhile are lost, which waiters tolerate (they re-read).
 */
export async function createPostgresBus(
  url: string,
  onError: (error: unknown) => void = () => {},
): Promise<Bus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  publisher.on('error', onError);
  let listener: pg.Client | undefined;
  let closed = false;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        const env = JSON.parse(n.payload) as Envelope;
        emitter.emit(env.t, env.m);
      } catch (error) {
        onError(error);
      }
    });
    client.on('error', (error) => {
      onError(error);
      if (!closed) setTimeout(() => void reconnect(), 500);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  };
  const reconnect = async () => {
    try {
      await listener?.end();
    } catch {}
    listener = undefined;
    if (!closed) await connect().catch(onError);
  };
  await connect();

  return {
    async publish(topic, message) {
      const payload = JSON.stringify({ t: topic, m: message } satisfies Envelope);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw new Error('bus message too large');
      await publisher.query('select pg_notify($1, $2)', [CHANNEL, payload]);
    },
    subscribe(topic, handler) {
      emitter.on(topic, handler);
      return () => emitter.off(topic, handler);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      await listener?.end().catch(() => {});
      await publisher.end().catch(() => {});
    },
  };
}
