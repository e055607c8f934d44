#!/usr/bin/env node
import { stopQuietlyOnClosedPipe } from './closed-pipe.js';
import { buildProgram } from './program.js';

// A reader that goes away (`plumb graph | head -1`) ends plumb by SIGPIPE, quietly, as git and kubectl.
stopQuietlyOnClosedPipe();

// Start-up loads commander and the command definitions only; a command's action
// module (cli/actions/) and the engine load when it runs, and runCommand guards
// stdout and stderr with the secret scrubber before its body writes a byte.
await buildProgram().parseAsync(process.argv);
