#!/usr/bin/env node
import module from 'node:module';

import { cacheSettings } from '../engine/cache/cache-settings.js';

// V8's compile cache (Node >= 22.1; absent on Node 20, so feature-detected): the second
// run of a command reuses the code the first compiled, kept in plumb's cache directory
// beside the content cache ($PLUMB_CACHE_DIR/compile, …; a NODE_COMPILE_CACHE the user set
// wins). Node keys each entry by the file, its Node version and V8 flags, checks the
// source's hash and the entry's own checksum and compiles afresh on any mismatch (a
// damaged or foreign entry is ignored and rewritten), and writes through a temporary
// file it renames. Enabled before anything else loads, so it covers every module;
// PLUMB_CACHE=off and --no-cache leave it off, as they leave the content cache.
// test/cli/compile-cache.test.ts (Node >= 22.1); npm run bench -- startup measures it.
const { enableCompileCache } = module as { enableCompileCache?: (dir?: string) => unknown };
const cache = cacheSettings();
if (enableCompileCache && cache.enabled && !process.argv.includes('--no-cache')) enableCompileCache(cache.compileDir);

const { stopQuietlyOnClosedPipe } = await import('./closed-pipe.js');
const { buildProgram } = await import('./program.js');

// A reader that goes away (`plumb graph | head -1`) ends plumb by SIGPIPE, quietly, as git and kubectl.
stopQuietlyOnClosedPipe();

// Start-up loads commander and the command definitions only; a command's action
// module (cli/actions/) and the engine load when it runs, and runCommand guards
// stdout and stderr with the secret scrubber before its body writes a byte.
await buildProgram().parseAsync(process.argv);
