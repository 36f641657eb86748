import { EventEmitter } from 'node:events';

/**
 * Publish/subscribe between requests and between nodes (DESIGN §4). A message is a hint that
 * something changed in the database — never the only copy of a fact: waiters re-read the DB,
 * so a lost message delays an answer and never loses it.
 */
export interface Bus {
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, handler: (message: string) => void): () => void;
  close(): Promise<void>;
}

/** One node: messages stay in this process. */
export function createInProcessBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(topic, message) {
      emitter.emit(topic, message);
    },
    subscribe(topic, handler) {
      emitter.on(topic, handler);
      return () => emitter.off(topic, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Wait for the next message on a topic, or until timeoutMs passes or the signal aborts.
 * Resolves true when a message arrived.
 */
export function waitForMessage(
  bus: Bus,
  topic: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted || timeoutMs <= 0) {
      resolve(false);
      return;
    }
    let done = false;
    const finish = (value: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => finish(false);
    const unsubscribe = bus.subscribe(topic, () => finish(true));
    const timer = setTimeout(() => finish(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
