// Workflows import src/domain, so anything non-deterministic there breaks Temporal replay. This guards the rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const domainDir = fileURLToPath(new URL('../../src/domain/', import.meta.url));
const files = readdirSync(domainDir).filter((f) => f.endsWith('.ts'));

// The packages allowed: re2js (src/domain/patterns.ts) and mustache's parser (src/domain/template.ts), pure
// computation with no I/O, clock or randomness.
const forbidden: Array<[string, RegExp]> = [
  ['node: or npm imports', /\bfrom\s+['"](?!\.\.?\/|(?:re2js|mustache)['"])[^'"]+['"]|\bimport\(\s*['"](?!\.\.?\/)/],
  ['relative imports without .ts', /\bfrom\s+['"]\.\.?\/[^'"]*(?<!\.ts)['"]/],
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date() without argument', /\bnew Date\(\s*\)/],
  ['Math.random', /\bMath\.random\b/],
  ['process.env', /\bprocess\.env\b/],
  ['crypto', /\bcrypto\b/],
  ['performance.now', /\bperformance\.now\b/],
];

describe('domain determinism', () => {
  it('finds the domain modules to check', () => {
    assert.ok(files.includes('status-machine.ts') && files.includes('types.ts'), `found ${files.join(', ')}`);
  });

  for (const file of files) {
    it(`${file} uses no clock, randomness, environment or non-relative imports`, () => {
      // Comments may mention the forbidden things; only code counts.
      const code = readFileSync(domainDir + file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      for (const [what, pattern] of forbidden) {
        assert.doesNotMatch(code, pattern, `${file} uses ${what}`);
      }
    });
  }
});
