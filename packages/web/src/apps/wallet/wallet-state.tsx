import {
  DeviceClient,
  type DeviceRegistration,
  isDeviceError,
  WebCryptoKeyStore,
  type WebCryptoKeyStoreRecord,
} from '@openmid/device/browser';
import type { PendingRequest } from '@openmid/protocol';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { deleteRecord, getRecord, putRecord } from './storage.js';

export const KEYSTORE_RECORD = 'keystore';
export const REGISTRATION_RECORD = 'registration';

export interface WalletValue {
  state: 'loading' | 'none' | 'ready';
  registration: DeviceRegistration | undefined;
  client: DeviceClient | undefined;
  /** Requests waiting for this device (kept fresh by a long poll while the app is open). */
  pending: PendingRequest[];
  /** The server could not be reached by the last poll. */
  offline: boolean;
  /** The device can no longer be used (suspended or revoked): the server says 403. */
  disabled: boolean;
  /** A request the wallet claimed itself (QR, device link): shown at once. */
  addPending(request: PendingRequest): void;
  /** Forget an answered request without waiting for the next poll. */
  dropPending(sessionId: string): void;
  /** Re-read the stored activation (after activating). */
  reload(): Promise<void>;
  /** Forget this activation on this phone. */
  reset(): Promise<void>;
}

const WalletContext = createContext<WalletValue | null>(null);

export function serverUrl(): string {
  return window.location.origin;
}

/** The key store of this phone, saved to IndexedDB on every change (PIN counters included). */
export function openKeyStore(record: unknown): WebCryptoKeyStore {
  return WebCryptoKeyStore.open(record, {
    save: (next: WebCryptoKeyStoreRecord) => putRecord(KEYSTORE_RECORD, next),
  });
}

export function WalletProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<WalletValue['state']>('loading');
  const [registration, setRegistration] = useState<DeviceRegistration>();
  const [client, setClient] = useState<DeviceClient>();
  const [pending, setPending] = useState<PendingRequest[]>([]);
  const [offline, setOffline] = useState(false);
  const [disabled, setDisabled] = useState(false);
  const claimed = useRef(new Map<string, PendingRequest>());
  const answered = useRef(new Set<string>());

  const reload = useCallback(async () => {
    const [record, reg] = await Promise.all([
      getRecord<unknown>(KEYSTORE_RECORD),
      getRecord<DeviceRegistration>(REGISTRATION_RECORD),
    ]);
    if (!record || !reg) {
      setState('none');
      setClient(undefined);
      setRegistration(undefined);
      return;
    }
    const keyStore = openKeyStore(record);
    setRegistration(reg);
    setClient(new DeviceClient({ serverUrl: serverUrl(), keyStore }));
    setState('ready');
  }, []);

  const reset = useCallback(async () => {
    await deleteRecord(KEYSTORE_RECORD);
    await deleteRecord(REGISTRATION_RECORD);
    await deleteRecord('history');
    await reload();
  }, [reload]);

  useEffect(() => {
    reload().catch(() => setState('none'));
  }, [reload]);

  // The long poll: while the wallet is open, ask for pending requests (the server answers at once
  // when one is waiting, else after 25 s). A push wakes an installed wallet that is closed.
  useEffect(() => {
    if (!client) return;
    const abort = new AbortController();
    let delay = 1000;
    const merge = (requests: PendingRequest[]) => {
      const live = requests.filter((r) => !answered.current.has(r.sessionId));
      for (const r of live) claimed.current.delete(r.sessionId);
      const extra = [...claimed.current.values()].filter(
        (c) => !live.some((r) => r.sessionId === c.sessionId),
      );
      setPending([...live, ...extra]);
    };
    (async () => {
      while (!abort.signal.aborted) {
        try {
          const requests = await client.pendingRequests({
            timeoutMs: 25_000,
            signal: abort.signal,
          });
          setOffline(false);
          setDisabled(false);
          merge(requests);
          delay = 1000;
          if (requests.length > 0) {
            // Something is shown: re-check soon so a request ended by the RP disappears.
            await sleep(2000, abort.signal);
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          if (isDeviceError(error) && error.status === 403) {
            setDisabled(true);
            setPending([]);
          } else setOffline(true);
          await sleep(delay, abort.signal);
          delay = Math.min(delay * 2, 30_000);
        }
      }
    })();
    return () => abort.abort();
  }, [client]);

  const value = useMemo<WalletValue>(
    () => ({
      state,
      registration,
      client,
      pending,
      offline,
      disabled,
      addPending: (request) => {
        claimed.current.set(request.sessionId, request);
        setPending((list) => [...list.filter((r) => r.sessionId !== request.sessionId), request]);
      },
      dropPending: (sessionId) => {
        answered.current.add(sessionId);
        claimed.current.delete(sessionId);
        setPending((list) => list.filter((r) => r.sessionId !== sessionId));
      },
      reload,
      reset,
    }),
    [state, registration, client, pending, offline, disabled, reload, reset],
  );
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

export function useWallet(): WalletValue {
  const value = useContext(WalletContext);
  if (!value) throw new Error('useWallet outside WalletProvider');
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
