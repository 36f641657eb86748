/**
 * The verifier's private key lives in IndexedDB as a non-extractable CryptoKey (structured clone
 * keeps it usable and unreadable); everything else is in localStorage (verifier-state.ts).
 */
const DB = 'openmid-verifier';
const STORE = 'keys';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(request.result as T);
        };
        tx.onerror = () => reject(tx.error);
      }),
  );
}

export const getKey = (name: string) => run<CryptoKey | undefined>('readonly', (s) => s.get(name));
export const putKey = (name: string, key: CryptoKey) =>
  run<void>('readwrite', (s) => s.put(key, name));
export const deleteKey = (name: string) => run<void>('readwrite', (s) => s.delete(name));
