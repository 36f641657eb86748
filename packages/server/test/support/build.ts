import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let built = false;

/** Compile the packages (incremental `tsc -b`) so child processes can run dist/ code. */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-b'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  built = true;
}
