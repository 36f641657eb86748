// The log checks share a chunk with the device SDK, whose X.509 code needs the Reflect polyfill
// before it is evaluated: load the polyfill first, then the app.
import 'reflect-metadata';

void import('./boot.js');
