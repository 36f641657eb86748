/**
 * The wallet's IndexedDB: one object store of named records. CryptoKey objects are kept as they
 * are (structured clone), so non-extractable keys stay non-extractable at rest.
 */
const DB_NAME = 'openmid-wallet';
const STORE = 'records';

let opened: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

export function getRecord<T>(name: string): Promise<T | undefined> {
  return run<T | undefined>('readonly', (s) => s.get(name));
}

export function putRecord(name: string, value: unknown): Promise<void> {
  return run<unknown>('readwrite', (s) => s.put(value, name)).then(() => undefined);
}

export function deleteRecord(name: string): Promise<void> {
  return run<unknown>('readwrite', (s) => s.delete(name)).then(() => undefined);
}
