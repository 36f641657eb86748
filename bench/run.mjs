// Runs every bench/*.mjs in turn (npm run bench). Each prints its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const file of readdirSync(dir).sort()) {
  if (!file.endsWith('.mjs') || file === 'run.mjs') continue;
  if (only.length > 0 && !only.some((o) => file.includes(o))) continue;
  console.log(`\n# ${file}`);
  const result = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
