import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';
import { exampleRecording } from '../../prometheus/example-recording.js';

describe('the bundled example metrics recording', () => {
  it('is what test/prometheus/example-recording.ts generates (regenerate it there, never by hand)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'observed', 'metrics.yaml'), 'utf8')).toBe(exampleRecording());
  });
});
