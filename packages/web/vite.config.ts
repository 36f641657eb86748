import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';
import { WEB_APPS } from './src/server/apps.js';

const root = fileURLToPath(new URL('./src/apps', import.meta.url));

// One HTML entry per app (CONVENTIONS §2); shared chunks land in /assets/. The `source` condition
// lets the apps use the workspace packages' TypeScript directly, without their build.
export default defineConfig({
  root,
  base: '/',
  publicDir: fileURLToPath(new URL('./src/apps/public', import.meta.url)),
  plugins: [react()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/apps', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: Object.fromEntries(WEB_APPS.map((app) => [app, `${root}/${app}/index.html`])),
      output: {
        // Run modules in source order whatever chunk they land in: `import 'reflect-metadata'`
        // must run before @peculiar/x509 (tsyringe) evaluates, also when x509 sits in a chunk
        // shared by several apps (else 'tsyringe requires a reflect polyfill').
        strictExecutionOrder: true,
      },
    },
  },
});
