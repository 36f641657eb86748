export {
  DEVICE_STATE_FORMAT,
  type DeviceState,
  readDeviceState,
  writeDeviceState,
} from './device-state-file.js';
export { openDevice } from './open-device.js';
