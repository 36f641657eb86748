export * from './auth-signed-data.js';
export * from './claims.js';
export * from './device-api.js';
export * from './error-codes.js';
export * from './national-id.js';
export * from './signed-data.js';
export * from './transparency-log.js';
export * from './verification-code.js';
