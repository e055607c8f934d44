import { useCallback, useMemo, useRef, useState } from 'react';
import { simulateImpact, type CIGraph, type ImpactSummary } from '../../engine/index.js';
import { impactTree, type TreeRow } from '../model/impact-tree.js';

export interface ImpactExplorer {
  readonly root: string;
  readonly summary?: ImpactSummary;
  readonly rows: readonly TreeRow[];
  readonly cursor: number;
  readonly error?: string;
  move(step: number): void;
  /** Expand (true), collapse (false) or toggle (undefined) the row under the cursor. */
  toggle(open?: boolean): void;
  /** "What if this goes down?": the engine's simulation with event `down`. */
  simulateDown(): void;
  /** Back to the impact the plan computed for the change itself. */
  showChange(): void;
}

/**
 * The impact explorer's state for one CI: which tree nodes are open, the
 * cursor, and which simulation colours the states — the plan's own impact of
 * the change, or a fresh `down` simulation on request. Simulation is the
 * engine's (simulateImpact); this hook only keeps its answer.
 */
export function useImpact(graph: CIGraph | undefined, root: string, planned: ImpactSummary | undefined): ImpactExplorer {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [cursor, setCursor] = useState(0);
  const [simulated, setSimulated] = useState<ImpactSummary | undefined>();
  const [error, setError] = useState<string | undefined>();
  const summary = simulated ?? planned;
  const states = useMemo(() => new Map((summary?.affected ?? []).map((a) => [a.id, a])), [summary]);
  const rows = useMemo(() => (graph ? impactTree(graph, root, expanded, states) : []), [graph, root, expanded, states]);
  const at = Math.min(cursor, Math.max(0, rows.length - 1));
  // keys of one chunk (`j` then Enter) are handled before a re-render: the
  // cursor they act on is kept in a ref so each sees the previous one's move
  const cursorRef = useRef(at);
  cursorRef.current = Math.min(cursorRef.current, Math.max(0, rows.length - 1));

  const toggle = useCallback(
    (open?: boolean) => {
      const row = rows[cursorRef.current];
      if (!row || (!row.expandable && open !== false)) return;
      // section headers start open, so their key records "closed" instead
      const key = row.depth === 0 ? `!${row.key}` : row.key;
      const isOpen = row.expanded;
      const want = open ?? !isOpen;
      if (want === isOpen) return;
      setExpanded((s) => {
        const next = new Set(s);
        const add = row.depth === 0 ? !want : want;
        if (add) next.add(key);
        else next.delete(key);
        return next;
      });
    },
    [rows],
  );

  return {
    root,
    summary,
    rows,
    cursor: at,
    error,
    move: (step) => {
      cursorRef.current = Math.max(0, Math.min(rows.length - 1, cursorRef.current + step));
      setCursor(cursorRef.current);
    },
    toggle,
    simulateDown: () => {
      if (!graph) return;
      try {
        setSimulated(simulateImpact(graph, { sources: [root], event: 'down' }));
        setError(undefined);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    showChange: () => setSimulated(undefined),
  };
}
