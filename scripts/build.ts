/**
 * The second half of `npm run build` (after `tsc -p tsconfig.build.json` has compiled src/ to
 * dist/): the files tsc does not emit, and the workflow code bundled once.
 *
 * - dist/workflow-bundle.js: the booking workflows bundled with the failure converter of the
 *   service's data converter (its path must be given to the bundler, as the worker does when
 *   it bundles at start); the compiled worker loads it with `workflowBundle`.
 * - dist/codec/failure-converter.cjs: the same converter, which the worker's main thread and
 *   every client require() by path (src/codec/data-converter.ts).
 * - dist/admin/assets/: the admin page's files, read from disk by src/admin/routes.ts.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { cpSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { failureConverterPath } from '../src/codec/data-converter.js';
import { WORKFLOW_BUNDLE_FILE, bookingWorkflowsPath } from '../src/temporal/worker-factory.js';

const at = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

cpSync(failureConverterPath, at('dist/codec/failure-converter.cjs'));
cpSync(at('src/admin/assets'), at('dist/admin/assets'), { recursive: true, filter: (f) => !f.endsWith('.d.ts') });

const { code } = await bundleWorkflowCode({ workflowsPath: bookingWorkflowsPath(), failureConverterPath });
writeFileSync(at(`dist/${WORKFLOW_BUNDLE_FILE}`), code);
console.log(`dist/ built: ${WORKFLOW_BUNDLE_FILE} ${(code.length / 1024).toFixed(0)} KiB`);
