import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { type OpenedDb, openDb } from '../db/db.js';
import { migrateToLatest } from '../db/migrate.js';
import { createKeyVault } from '../keys/key-vault.js';
import { resolveMasterKey } from '../keys/master-key.js';
import { rotateSigningKeys } from '../oidc/oidc-keys.js';
import type { Command } from './openmid.js';

const HELP = `usage: openmid oidc rotate-keys

Adds a new ES256 and a new RS256 ID-token signing key (sealed under the master key). Running nodes
notice within a minute and sign with the new keys; the previous keys stay in the JWKS so tokens
they signed still verify. Reads DATABASE_URL or DATA_DIR and MASTER_KEY, as the server does.`;

export const oidcRotateKeysCommand: Command = async (args, env, out) => {
  if (args.includes('--help') || args.includes('-h')) {
    out(HELP);
    return 0;
  }
  if (args.length > 0) {
    out(`openmid oidc rotate-keys: unexpected arguments\n\n${HELP}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`openmid oidc rotate-keys: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    out(`openmid oidc rotate-keys: no database in ${config.dataDir}; set DATABASE_URL or DATA_DIR`);
    return 2;
  }
  if (!config.masterKey && !existsSync(join(config.dataDir, 'master.key'))) {
    out('openmid oidc rotate-keys: no master key; set MASTER_KEY as for the server');
    return 2;
  }
  let opened: OpenedDb | undefined;
  try {
    const vault = createKeyVault(resolveMasterKey(config).key);
    opened = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await migrateToLatest(opened.db as never);
    const kids = await rotateSigningKeys(opened.db, vault, systemClock);
    out(`new signing keys: ${kids.join(', ')}`);
    return 0;
  } catch (error) {
    out(`openmid oidc rotate-keys: ${(error as Error).message}`);
    return 2;
  } finally {
    await opened?.close();
  }
};
