import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Build the web apps once before the browser tests (skipped when dist is up to date). */
export default function setup(): void {
  const script = fileURLToPath(
    new URL('../../packages/web/scripts/build-if-stale.mjs', import.meta.url),
  );
  execFileSync(process.execPath, [script], { stdio: 'inherit' });
}
