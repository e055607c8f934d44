import { useCallback, useEffect, useRef, useState } from 'react';
import type { PlanSnapshot, TuiSession } from '../engine-session.js';

export interface PlanSessionState {
  /** The last plan that completed (kept on screen while the next one runs). */
  readonly snapshot?: PlanSnapshot;
  /** True while a plan runs; the UI stays interactive meanwhile. */
  readonly planning: boolean;
  /** A plan that threw (a bug or an unexpected engine error), as one line. */
  readonly error?: string;
  /** How many plans completed: views use it to notice a re-plan. */
  readonly generation: number;
  /** Why the last re-plan ran (`refresh`, `watch: inventory/a.yaml`…), shown in the status line. */
  readonly reason?: string;
  refresh(reason?: string): void;
}

/**
 * Runs the engine's plan off the render path and keeps the latest result.
 * A refresh while planning does not start a second run in parallel: it marks
 * one more run due, so a burst of edits costs at most one extra plan, and the
 * result on screen is always the newest input's.
 */
export function usePlanSession(session: TuiSession): PlanSessionState {
  const [state, setState] = useState<Omit<PlanSessionState, 'refresh'>>({ planning: true, generation: 0 });
  const running = useRef(false);
  const due = useRef<string | undefined>(undefined);
  const alive = useRef(true);

  const run = useCallback(
    async (reason: string) => {
      if (running.current) {
        due.current = reason;
        return;
      }
      running.current = true;
      setState((s) => ({ ...s, planning: true, reason }));
      try {
        const snapshot = await session.plan();
        if (alive.current) setState((s) => ({ snapshot, planning: false, generation: s.generation + 1, reason }));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (alive.current) setState((s) => ({ ...s, planning: false, error: message, reason }));
      } finally {
        running.current = false;
        const next = due.current;
        due.current = undefined;
        if (next !== undefined && alive.current) void run(next);
      }
    },
    [session],
  );

  useEffect(() => {
    alive.current = true;
    void run('start');
    return () => {
      alive.current = false;
    };
  }, [run]);

  const refresh = useCallback((reason = 'refresh') => void run(reason), [run]);
  return { ...state, refresh };
}
