import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findStoredLogPublicKey, type LogPublicKey, publicKeyFromPem } from '../audit/log-key.js';
import { createDbLogSource } from '../audit/log-source.js';
import { type VerifyReport, verifyLog } from '../audit/log-verifier.js';
import { ConfigError, loadConfig } from '../config.js';
import { type OpenedDb, openDb } from '../db/db.js';
import type { Command } from './openmid.js';

const HELP = `usage: openmid log verify [--public-key FILE] [--json]

Recomputes every leaf hash from entry_json, checks that leaf indexes run from 0 without gaps,
recomputes the root of every signed tree head and checks its signature, and checks each pair of
consecutive heads with a consistency proof. Reports which entries were rewritten, reordered or
deleted. Exit code 0: the log is intact; 1: it is not; 2: usage or environment error.

  --public-key FILE  the log key (SPKI PEM, as GET /log/v1/key serves it) to trust; by default the
                     public key stored in the database, which an attacker with database access
                     could replace: pin the published key when auditing
  --json             print the report as JSON

Reads DATABASE_URL, or the embedded database in DATA_DIR (stop the server first: PGlite is
single-process).`;

export const logVerifyCommand: Command = async (args, env, out) => {
  let values: {
    'public-key'?: string | undefined;
    json?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'public-key': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    out(`openmid log verify: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    out(HELP);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      out(`openmid log verify: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'pglite'))) {
    out(`openmid log verify: no database in ${config.dataDir}; set DATABASE_URL or DATA_DIR`);
    return 2;
  }
  let opened: OpenedDb | undefined;
  try {
    opened = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    let key: LogPublicKey | undefined;
    let keySource: string;
    if (values['public-key']) {
      key = await publicKeyFromPem(readFileSync(values['public-key'], 'utf8'));
      keySource = values['public-key'];
    } else {
      key = await findStoredLogPublicKey(opened.db);
      keySource = 'the database';
    }
    if (!key) {
      out('openmid log verify: the database holds no log key (has the server ever started?)');
      return 2;
    }
    const report = await verifyLog(createDbLogSource(opened.db), { publicKey: key });
    out(values.json ? JSON.stringify(report, null, 2) : formatReport(report, key, keySource));
    return report.ok ? 0 : 1;
  } catch (error) {
    out(`openmid log verify: ${(error as Error).message}`);
    return 2;
  } finally {
    await opened?.close();
  }
};

export function formatReport(report: VerifyReport, key: LogPublicKey, keySource: string): string {
  const lines = [
    `log key ${key.keyId} (from ${keySource})`,
    `tree size ${report.treeSize}: ${report.entriesChecked} entries and ${report.headsChecked} signed tree heads checked, ${report.pending} entries awaiting sequencing`,
  ];
  if (report.ok) {
    lines.push('OK: every entry is in place and unaltered, and every tree head verifies');
    return lines.join('\n');
  }
  const total = report.findings.length + report.findingsOmitted;
  lines.push(`FAILED: ${total} problem${total === 1 ? '' : 's'}`);
  for (const f of report.findings) lines.push(`  - ${f.kind}: ${f.message}`);
  if (report.findingsOmitted > 0) lines.push(`  … and ${report.findingsOmitted} more`);
  return lines.join('\n');
}
