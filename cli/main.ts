#!/usr/bin/env node
import { buildProgram } from './program.js';

// Start-up loads commander and the command definitions only; a command's action
// module (cli/actions/) and the engine load when it runs, and runCommand guards
// stdout and stderr with the secret scrubber before its body writes a byte.
await buildProgram().parseAsync(process.argv);
