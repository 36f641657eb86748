// Build the web apps with Vite unless dist/apps is newer than every source they are built from
// (the apps, the shared UI, and the workspace packages they import). `npm start` and the e2e
// tests call this, so a fresh clone needs no extra step and a warm one starts at once.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(dirname(fileURLToPath(import.meta.url)));
const packagesDir = dirname(webDir);
const stamp = join(webDir, 'dist', 'apps', '.build-stamp');

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const sources = [
  join(webDir, 'src'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'package.json'),
  join(packagesDir, 'device', 'src'),
  join(packagesDir, 'protocol', 'src'),
];
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (built > changed && process.argv[2] !== '--force') {
  console.log('web apps are up to date');
} else {
  console.log('building the web apps (vite build)…');
  // Always a production build (React's production code): under vitest NODE_ENV is 'test', and
  // Vite would otherwise bundle React's development build.
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, new Date().toISOString());
}
