#!/usr/bin/env node
import module from 'node:module';

// V8's compile cache (Node >= 22.1; absent on Node 20, so feature-detected): the
// second run of a command reuses the code compiled by the first, in Node's cache
// directory (NODE_COMPILE_CACHE, else <tmpdir>/node-compile-cache). Enabled before
// anything else loads, so it covers every module; PLUMB_CACHE=off leaves it off, as
// it leaves plumb's content cache. npm run bench -- startup measures what it pays.
const { enableCompileCache } = module as { enableCompileCache?: () => unknown };
if (enableCompileCache && !/^(off|0|false|no)$/i.test(process.env.PLUMB_CACHE ?? '')) enableCompileCache();

const { stopQuietlyOnClosedPipe } = await import('./closed-pipe.js');
const { buildProgram } = await import('./program.js');

// A reader that goes away (`plumb graph | head -1`) ends plumb by SIGPIPE, quietly, as git and kubectl.
stopQuietlyOnClosedPipe();

// Start-up loads commander and the command definitions only; a command's action
// module (cli/actions/) and the engine load when it runs, and runCommand guards
// stdout and stderr with the secret scrubber before its body writes a byte.
await buildProgram().parseAsync(process.argv);
