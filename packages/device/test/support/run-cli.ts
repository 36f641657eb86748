import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const MID_DEVICE_BIN = `${ROOT}node_modules/.bin/mid-device`;

let built = false;

/** Compile the packages (incremental `tsc -b`): the bin runs the built CLI, as after `npm install`. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-b'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's lines parsed as JSON. */
  lines: unknown[];
}

/** Run `mid-device` as a child process (asynchronously, so an in-process server keeps serving). */
export function runCli(args: string[], options: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      MID_DEVICE_BIN,
      args,
      { timeout: options.timeoutMs ?? 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const lines = stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as unknown);
        resolve({ code, stdout, stderr, lines });
      },
    );
  });
}
