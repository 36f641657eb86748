import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { type OpenedDb, openDb } from '../db/db.js';
import { migrateToLatest } from '../db/migrate.js';
import { createKeyVault } from '../keys/key-vault.js';
import { resolveMasterKey } from '../keys/master-key.js';
import { exportForOpenssl } from '../pki/openssl-export.js';
import type { Command } from './openmid.js';

const HELP = `usage: openmid pki export-openssl --out DIR

Writes root.pem, ca.pem, ocsp.pem, ocsp.key (mode 0600) and index.txt into DIR, so that
  openssl ocsp -index DIR/index.txt -CA DIR/ca.pem -rsigner DIR/ocsp.pem -rkey DIR/ocsp.key -port N
answers for this CA (a fallback responder, and the reference of bench/ocsp.mjs). The responder
key leaves the vault in plain text: treat DIR as secret. Reads DATABASE_URL or DATA_DIR and
MASTER_KEY, as the server does.`;

export const pkiExportCommand: Command = async (args, env, out) => {
  if (args.includes('--help') || args.includes('-h')) {
    out(HELP);
    return 0;
  }
  const at = args.indexOf('--out');
  const dir = at >= 0 ? args[at + 1] : undefined;
  if (!dir || args.length !== 2) {
    out(`openmid pki export-openssl: give --out DIR\n\n${HELP}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`openmid pki export-openssl: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    out(
      `openmid pki export-openssl: no database in ${config.dataDir}; set DATABASE_URL or DATA_DIR`,
    );
    return 2;
  }
  let opened: OpenedDb | undefined;
  try {
    const vault = createKeyVault(resolveMasterKey(config).key);
    opened = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    await migrateToLatest(opened.db as never);
    const files = await exportForOpenssl(opened.db, vault);
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
    }
    out(`wrote ${Object.keys(files).join(', ')} to ${dir}`);
    return 0;
  } catch (error) {
    out(`openmid pki export-openssl: ${(error as Error).message}`);
    return 2;
  } finally {
    await opened?.close();
  }
};
