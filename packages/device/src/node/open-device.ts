import { DeviceClient } from '../device-client.js';
import { SoftwareKeyStore } from '../software-key-store.js';
import { type DeviceState, readDeviceState, writeDeviceState } from './device-state-file.js';

/**
 * Open the device kept in a state file: its client and key store, the key store saving every
 * change (PIN counters first) back to the same file.
 */
export async function openDevice(
  file: string,
  options: { fetch?: typeof globalThis.fetch } = {},
): Promise<{ state: DeviceState; client: DeviceClient; keyStore: SoftwareKeyStore }> {
  const state = await readDeviceState(file);
  const keyStore = SoftwareKeyStore.fromState(state.keyStore, {
    save: (keyStoreState) => writeDeviceState(file, { ...state, keyStore: keyStoreState }),
  });
  const client = new DeviceClient({
    serverUrl: state.registration.serverUrl,
    keyStore,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { state, client, keyStore };
}
