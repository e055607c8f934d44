/**
 * Tests run without plumb's persistent content cache (engine/cache) unless a
 * test opens one itself in a temporary directory: a test must see what its
 * own run computes, not what an earlier run (or another helper's) left in
 * ~/.cache/plumb. Set PLUMB_CACHE=on to run the suite through the cache.
 */
process.env.PLUMB_CACHE ??= 'off';
