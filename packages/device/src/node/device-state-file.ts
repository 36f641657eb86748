import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { DeviceRegistration } from '../device-client.js';
import { DeviceError } from '../device-error.js';
import {
  parseSoftwareKeyStoreState,
  type SoftwareKeyStoreState,
} from '../software-key-store-state.js';

export const DEVICE_STATE_FORMAT = 'openmid.mid-device.v1';

/** What `mid-device` keeps in its state file: the activation and the software key store. */
export interface DeviceState {
  format: typeof DEVICE_STATE_FORMAT;
  registration: DeviceRegistration;
  keyStore: SoftwareKeyStoreState;
}

/**
 * Write the state file atomically (a temporary file in the same directory, fsync, rename) and
 * readable by its owner only (mode 0600): it holds the device key and the sealed keys.
 */
export async function writeDeviceState(file: string, state: DeviceState): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function readDeviceState(file: string): Promise<DeviceState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeviceError(
      'STATE_INVALID',
      code === 'ENOENT' ? `no state file at ${file}` : `cannot read ${file}: ${code ?? error}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DeviceError('STATE_INVALID', `${file} is not JSON`);
  }
  return parseDeviceState(value, file);
}

function parseDeviceState(value: unknown, file: string): DeviceState {
  const state = value as Partial<DeviceState> | null;
  if (!state || typeof state !== 'object' || state.format !== DEVICE_STATE_FORMAT) {
    throw new DeviceError('STATE_INVALID', `${file} is not a mid-device state file`);
  }
  const r = state.registration as Partial<DeviceRegistration> | undefined;
  const strings = [r?.serverUrl, r?.deviceId, r?.authCertificate, r?.signCertificate];
  if (
    !r ||
    strings.some((s) => typeof s !== 'string') ||
    !Array.isArray(r.caChain) ||
    !r.person ||
    typeof r.person !== 'object'
  ) {
    throw new DeviceError('STATE_INVALID', `${file}: the registration is incomplete`);
  }
  return {
    format: DEVICE_STATE_FORMAT,
    registration: r as DeviceRegistration,
    keyStore: parseSoftwareKeyStoreState(state.keyStore),
  };
}
