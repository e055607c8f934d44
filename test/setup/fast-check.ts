import fc from 'fast-check';

/**
 * Property tests run from a fixed seed by default, so `npm test` (and CI) is
 * reproducible: a case the generators have never produced cannot turn a run
 * red at random. To explore, set PLUMB_PROPERTY_RUNS=N (more runs, a random
 * seed, printed by fast-check on failure) or PLUMB_PROPERTY_SEED=S to replay one.
 */
const explicit = process.env.PLUMB_PROPERTY_SEED;
const exploring = process.env.PLUMB_PROPERTY_RUNS !== undefined;
if (explicit !== undefined) fc.configureGlobal({ seed: Number(explicit) });
else if (!exploring) fc.configureGlobal({ seed: 20261125 });
