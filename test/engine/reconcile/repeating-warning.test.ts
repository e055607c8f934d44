import { describe, expect, it } from 'vitest';
import { repeatingWarning } from '../../../engine/reconcile/logger.js';

describe('repeatingWarning: a failing call every 3 s is one line a minute', () => {
  it('logs a message once, again after everyMs with how often it repeated, and a new message at once', () => {
    const lines: [Record<string, unknown>, string][] = [];
    let t = 0;
    const w = repeatingWarning({ warn: ((o: Record<string, unknown>, m: string) => lines.push([o, m])) as never }, 'leader election call failed', {
      now: () => t,
    });
    for (; t < 60_000; t += 3000) w.warn('connect ECONNREFUSED 127.0.0.1:6443');
    expect(lines).toEqual([[{ err: 'connect ECONNREFUSED 127.0.0.1:6443' }, 'leader election call failed']]);
    w.warn('connect ECONNREFUSED 127.0.0.1:6443'); // t = 60 s
    expect(lines.at(-1)).toEqual([{ err: 'connect ECONNREFUSED 127.0.0.1:6443', repeated: 19 }, 'leader election call failed']);
    t += 3000;
    w.warn('503 Service Unavailable');
    expect(lines.at(-1)).toEqual([{ err: '503 Service Unavailable' }, 'leader election call failed']);
    w.reset();
    w.warn('503 Service Unavailable');
    expect(lines).toHaveLength(4);
  });
});
