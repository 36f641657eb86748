import { isDeviceError } from '../device-error.js';
import { ACTIVATE_USAGE, activateCommand } from './activate-command.js';
import { APPROVE_USAGE, approveCommand } from './approve-command.js';
import { UsageError } from './cli-args.js';
import { type CliIo, EXIT, printError } from './cli-io.js';
import { SET_PIN_USAGE, setPinCommand, UNBLOCK_USAGE, unblockCommand } from './pin-commands.js';
import { STATUS_USAGE, statusCommand } from './status-command.js';

/** The subcommands of `mid-device` (SPEC §4.4), one row each. */
const COMMANDS: Record<
  string,
  { usage: string; run: (argv: string[], io: CliIo) => Promise<number> }
> = {
  activate: { usage: ACTIVATE_USAGE, run: activateCommand },
  approve: { usage: APPROVE_USAGE, run: approveCommand },
  status: { usage: STATUS_USAGE, run: statusCommand },
  unblock: { usage: UNBLOCK_USAGE, run: unblockCommand },
  'set-pin': { usage: SET_PIN_USAGE, run: setPinCommand },
};

const USAGE = `mid-device — a scriptable OpenMID phone (SPEC §4.4)

${Object.values(COMMANDS)
  .map((command) => `  ${command.usage}`)
  .join('\n')}

Exit codes: 0 ok, 1 failure, 2 timeout with nothing to answer, 64 usage error.
`;

/**
 * Run one command line; returns the exit code. Errors become one line on stderr, never a stack
 * trace. Without `io`, it writes to the process's streams and stops waiting on SIGINT/SIGTERM.
 */
export async function main(argv: string[], io?: CliIo): Promise<number> {
  const cliIo = io ?? processIo();
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? cliIo.stderr : cliIo.stdout).write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    printError(cliIo, name, `unknown command (one of ${Object.keys(COMMANDS).join(', ')})`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    cliIo.stdout.write(`usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, cliIo);
  } catch (error) {
    if (error instanceof UsageError) {
      printError(cliIo, name, `${error.message} (usage: ${command.usage})`);
      return EXIT.usage;
    }
    if (isDeviceError(error) && error.code === 'PIN_FORMAT') {
      printError(cliIo, name, error.message);
      return EXIT.usage;
    }
    printError(cliIo, name, error instanceof Error ? error.message : String(error));
    return EXIT.failure;
  }
}

function processIo(): CliIo {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { stdout: process.stdout, stderr: process.stderr, signal: controller.signal };
}
