/**
 * Layers that do not leak, checked by a static scan of import statements (no module is
 * loaded): the API process never pulls in the worker SDK, and nothing under src/ reaches into
 * test/ or bench/. Type-only imports are left out: TypeScript erases them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(SRC);

// `import x from '…'`, `import { a } from '…'`, `export … from '…'`, `import '…'`, `import('…')`.
// `import type` / `export type` are erased at compile time and do not load anything.
const STATIC = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The specifiers a file loads at run time. */
export function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(STATIC)) out.push(m[2]!);
  for (const m of source.matchAll(DYNAMIC)) out.push(m[1]!);
  return out;
}

function resolveLocal(from: string, specifier: string): string {
  const target = path.resolve(path.dirname(from), specifier);
  if (existsSync(target) && !target.endsWith('.js')) return target;
  const ts = target.replace(/\.js$/, '.ts');
  if (existsSync(ts)) return ts;
  throw new Error(`${path.relative(ROOT, from)} imports ${specifier}, which does not resolve`);
}

/** Every project file and every package a module loads, following relative imports. */
function importGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>(); // package → first file importing it
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!/\.(ts|js|mjs|cjs)$/.test(file)) continue;
    const source = readFileSync(file, 'utf8');
    const requires = [...source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
    for (const specifier of [...runtimeImports(source), ...requires]) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier));
      else if (!specifier.startsWith('node:') && !packages.has(specifier)) packages.set(specifier, path.relative(ROOT, file));
    }
  }
  return { files, packages };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js|cjs|mjs)$/.test(f))
    .map((f) => path.join(dir, f));
}

describe('import scan', () => {
  it('sees value imports and skips type-only ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import c, { type D } from 'c';",
      "export * from './e.js';",
      "export type { F } from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
      'import {\n  i,\n  j,\n} from "./ij.js";',
    ].join('\n');
    expect(runtimeImports(source).sort()).toEqual(['./a.js', './e.js', './g.js', './h.js', './ij.js', 'c']);
  });
});

describe('layers', () => {
  it('the API process (src/api/main.ts) never loads @temporalio/worker or test-only packages', () => {
    const { files, packages } = importGraph(path.join(SRC, 'api/main.ts'));
    // The scan does follow the client: it reaches the booking client and the Temporal client.
    expect(files).toContain(path.join(SRC, 'client/booking-client.ts'));
    expect([...packages.keys()]).toContain('@temporalio/client');
    const forbidden = [...packages].filter(([p]) => /^@temporalio\/(worker|testing)(\/|$)/.test(p) || /^(vitest|smtp-server|mailparser)(\/|$)/.test(p));
    expect(forbidden, 'package ← first importer').toEqual([]);
    for (const f of files) expect(path.relative(SRC, f), 'outside src/').not.toMatch(/^\.\./);
  });

  it('the booking client loads nothing of the worker', () => {
    const { packages } = importGraph(path.join(SRC, 'client/booking-client.ts'));
    expect([...packages.keys()].filter((p) => p.startsWith('@temporalio/worker'))).toEqual([]);
  });

  it('nothing under src/ imports from test/ or bench/', () => {
    const leaks: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = readFileSync(file, 'utf8');
      for (const specifier of [...runtimeImports(source), ...source.matchAll(/^\s*import\s+type\s[^'"]*['"]([^'"]+)['"]/gm)].map((s) =>
        typeof s === 'string' ? s : s[1]!,
      )) {
        if (!specifier.startsWith('.')) continue;
        const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
        if (/^(test|bench)(\/|$)/.test(target)) leaks.push(`${path.relative(ROOT, file)} → ${specifier}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
