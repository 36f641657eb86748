import type { Bus } from '../bus/bus.js';

/**
 * A subscription that remembers a message arriving between two waits, so a long poll can
 * subscribe first, read the database, and only then wait without missing a wake-up.
 */
export interface Waiter {
  /** Resolves at the next message (or at once if one came since the last wait), the timeout or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

export function subscribeWaiter(bus: Bus, topic: string): Waiter {
  let pending = false;
  let resolver: (() => void) | undefined;
  const unsubscribe = bus.subscribe(topic, () => {
    if (resolver) resolver();
    else pending = true;
  });
  return {
    wait(timeoutMs, signal) {
      if (pending || timeoutMs <= 0 || signal?.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', finish);
          resolver = undefined;
          resolve();
        };
        const timer = setTimeout(finish, timeoutMs);
        resolver = finish;
        signal?.addEventListener('abort', finish, { once: true });
      });
    },
    close: unsubscribe,
  };
}
