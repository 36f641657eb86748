import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '@openmid/protocol';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from './config.js';

const docs = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), 'utf8');

describe('docs follow the code (CONVENTIONS §6.6, §10.7)', () => {
  it('docs/config.md lists every configuration variable', () => {
    const text = docs('config.md');
    for (const name of CONFIG_VARIABLES) {
      const cell = text
        .split('\n')
        .some((line) => line.replace(/\s+/g, '').startsWith(`|\`${name}\`|`));
      expect(cell, name).toBe(true);
    }
  });
  it('docs/errors.md has a heading for every error code', () => {
    const text = docs('errors.md');
    for (const code of Object.keys(ERROR_CODES)) expect(text, code).toContain(`\n## ${code}\n`);
  });
});
