// `npm run cli -- <command>` (tsx src/cli/main.ts): see commands.ts for the commands.
import { run } from './commands.js';

process.exitCode = await run(process.argv.slice(2));
