import { logVerifyCommand } from './log-verify-command.js';
import { oidcRotateKeysCommand } from './oidc-rotate-keys-command.js';
import { pkiExportCommand } from './pki-export-command.js';

/** A subcommand: arguments after its name, the environment; resolves to the exit code. */
export type Command = (
  args: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
) => Promise<number>;

/** `openmid <group> <command>`; each module adds its group here. */
const COMMANDS: Record<string, Record<string, { run: Command; summary: string }>> = {
  log: {
    verify: {
      run: logVerifyCommand,
      summary: 'recompute the transparency log from its entries and check every signed tree head',
    },
  },
  pki: {
    'export-openssl': {
      run: pkiExportCommand,
      summary: 'write the CA, responder key and an index file for openssl ocsp -index',
    },
  },
  oidc: {
    'rotate-keys': {
      run: oidcRotateKeysCommand,
      summary: 'add new ID-token signing keys; the old ones stay published for verification',
    },
  },
};

function usage(): string {
  const lines = ['usage: openmid <command> [options]', '', 'commands:'];
  for (const [group, commands] of Object.entries(COMMANDS)) {
    for (const [name, c] of Object.entries(commands))
      lines.push(`  ${group} ${name}  ${c.summary}`);
  }
  lines.push('', 'The database comes from DATABASE_URL or DATA_DIR, as for the server.');
  return lines.join('\n');
}

/** Exit codes: 0 success, 1 the check failed, 2 usage or environment error. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const [group, name, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    out(usage());
    return group === undefined ? 2 : 0;
  }
  const command = name === undefined ? undefined : COMMANDS[group]?.[name];
  if (!command) {
    out(`openmid: unknown command ${[group, name].filter(Boolean).join(' ')}\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, env, out);
}
