#!/usr/bin/env node
import { guardStream } from '../engine/index.js';
import { buildProgram } from './program.js';

// Every byte plumb writes to the terminal passes the secret scrubber (docs/security.md).
guardStream(process.stdout);
guardStream(process.stderr);

await (await buildProgram(process.argv)).parseAsync(process.argv);
