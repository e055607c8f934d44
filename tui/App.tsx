/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Box, useApp } from 'ink';
import { ScreenKeys, useKeyRouter } from './hooks/use-keys.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TuiSession } from './engine-session.js';
import { useApply } from './hooks/use-apply.js';
import { usePlanSession } from './hooks/use-plan-session.js';
import { useTerminalSize, type TerminalSize } from './hooks/use-terminal-size.js';
import { useWatch } from './hooks/use-watch.js';
import { selectForApply } from './model/apply-selection.js';
import { detailLines, type Line } from './model/detail-lines.js';
import { helpLines } from './model/help-lines.js';
import { moveCursor, nearestChange, planRows } from './model/plan-rows.js';
import { indexPolicies } from './model/policy-state.js';
import { scrollOffset } from './model/viewport.js';
import { ThemeContext } from './theme.js';
import { ApplyScreen } from './components/ApplyScreen.js';
import { BackupsScreen } from './components/BackupsScreen.js';
import { IncidentsScreen } from './components/IncidentsScreen.js';
import { Footer, type FooterMode } from './components/Footer.js';
import { Header } from './components/Header.js';
import { ImpactScreen } from './components/ImpactScreen.js';
import { PlanView } from './components/PlanView.js';
import { Lines } from './components/Lines.js';
import { StatusLine } from './components/StatusLine.js';

export interface AppProps {
  readonly session: TuiSession;
  /** `--watch`: re-plan on edits in the work tree and on provider drift. */
  readonly watch?: boolean;
  /** A fixed size (tests, benchmarks); default the terminal's, following resizes. */
  readonly size?: TerminalSize;
  /** Colours (off with NO_COLOR / --no-color). */
  readonly color?: boolean;
  /** Animate the spinner (off in tests so frames are stable). */
  readonly animate?: boolean;
  /** Debounce of `--watch` in ms. */
  readonly watchDebounceMs?: number;
}

type View = 'plan' | 'impact' | 'backups' | 'incidents' | 'apply';

/**
 * `plumb tui`: the plan view (changes by wave, detail pane) and the impact,
 * apply and backups screens over one engine session. The selection is kept
 * by change id and the scroll position by offset, so a re-plan (`r`, or
 * `--watch`) updates the view without moving the operator.
 */
export function App({ session, watch = false, size, color = true, animate = true, watchDebounceMs }: AppProps) {
  const { exit } = useApp();
  const { columns: width, rows: height } = useTerminalSize(size);
  const planning = usePlanSession(session);
  const apply = useApply(session);
  const snapshot = planning.snapshot;
  const plan = snapshot?.plan;
  const watching = useWatch({ enabled: watch, root: snapshot?.root, session, refresh: planning.refresh, debounceMs: watchDebounceMs });

  const [view, setView] = useState<View>('plan');
  const [help, setHelp] = useState(false);
  const [focus, setFocus] = useState<'list' | 'detail'>('list');
  const [filter, setFilter] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [detailOffset, setDetailOffset] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const lastCursor = useRef(0);
  const movedTo = useRef<string | undefined>(undefined);
  const listOffset = useRef(0);

  const policies = useMemo(() => (plan ? indexPolicies(plan) : undefined), [plan]);
  const table = useMemo(() => (plan && policies ? planRows(plan, policies, filter) : undefined), [plan, policies, filter]);
  const rows = table?.rows ?? [];
  const cursor = (selectedId !== undefined ? table?.indexOf.get(selectedId) : undefined) ?? nearestChange(rows, lastCursor.current);
  lastCursor.current = Math.max(0, cursor);
  const current = cursor >= 0 && rows[cursor]?.kind === 'change' ? rows[cursor].change : undefined;

  // `selectedId` is what the operator moved to; while it is filtered out (or
  // before the first move) the cursor sits on the nearest change instead
  useEffect(() => setDetailOffset(0), [current?.id]);
  // apply finished or a restore ran: the actual state changed
  const replan = (why: string) => {
    setPicked(new Set());
    planning.refresh(why);
  };

  const bodyHeight = Math.max(3, height - 4);
  const listWidth = Math.max(30, Math.floor(width * 0.55));
  const detailWidth = Math.max(10, width - listWidth - 1); // as PlanView lays it out
  const details: Line[] = useMemo(
    () => (current && policies ? detailLines(current, policies.byCi.get(current.id) ?? [], detailWidth) : []),
    [current, policies, detailWidth],
  );
  const offset = scrollOffset(rows.length, Math.max(0, cursor), bodyHeight, listOffset.current);
  listOffset.current = offset;

  const move = (step: number) => {
    if (focus === 'detail') {
      setDetailOffset((o) => Math.max(0, Math.min(Math.max(0, details.length - bodyHeight), o + step)));
      return;
    }
    // several keys can arrive in one chunk, before a re-render: start from the
    // selection the previous key made, not from the cursor on screen
    const base = (movedTo.current !== undefined ? table?.indexOf.get(movedTo.current) : undefined) ?? cursor;
    if (base < 0) return;
    const row = rows[moveCursor(rows, base, step)];
    if (row?.kind === 'change') {
      movedTo.current = row.change.id;
      setSelectedId(row.change.id);
    }
  };

  const screenKeys = useKeyRouter((input, key, screen) => {
    if (help) {
      if (key.escape || input === '?' || input === 'q') setHelp(false);
      return;
    }
    if (filtering) {
      if (key.escape) {
        setFilter('');
        setFiltering(false);
      } else if (key.return) setFiltering(false);
      else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setFilter((f) => f + input);
      return;
    }
    if (input === 'q') {
      if (view === 'apply' && (apply.run?.phase === 'running' || apply.run?.phase === 'rolling-back')) return;
      return exit();
    }
    if (input === '?') return setHelp(true);
    if (view !== 'plan') return screen?.(input, key);
    setNotice(undefined);
    if (key.downArrow || input === 'j') move(1);
    else if (key.upArrow || input === 'k') move(-1);
    else if (key.pageDown) move(bodyHeight - 1);
    else if (key.pageUp) move(-(bodyHeight - 1));
    else if (key.home || input === 'g') move(-rows.length);
    else if (key.end || input === 'G') move(rows.length);
    else if (key.tab) setFocus((f) => (f === 'list' ? 'detail' : 'list'));
    else if (key.return) setFocus('detail');
    else if (key.escape) setFocus('list');
    else if (input === '/') setFiltering(true);
    else if (input === 'r') planning.refresh('refresh');
    else if (input === 'b') setView('backups');
    else if (input === '!') setView('incidents');
    else if (input === 'i' && current) setView('impact');
    else if (input === ' ' && current) {
      const next = new Set(picked);
      if (next.has(current.id)) next.delete(current.id);
      else next.add(current.id);
      setPicked(next);
    } else if (input === 'a' && plan) {
      const chosen = picked.size ? picked : current ? new Set([current.id]) : new Set<string>();
      if (chosen.size === 0) return setNotice('nothing to apply: the plan has no changes');
      apply.open(selectForApply(plan, snapshot?.graph, chosen));
      setView('apply');
    }
  });

  const mode: FooterMode = help ? 'help' : filtering ? 'filter' : view;
  const status = statusText();
  return (
    <ThemeContext.Provider value={{ color }}>
      <ScreenKeys.Provider value={screenKeys}>
        <Box flexDirection="column" width={width} height={height}>
          <Header plan={plan} policies={policies} width={width} />
          <StatusLine text={status.text} busy={planning.planning} tone={status.tone} width={width} animate={animate} />
          <Box height={bodyHeight}>{body()}</Box>
          <Footer mode={mode} width={width} />
        </Box>
      </ScreenKeys.Provider>
    </ThemeContext.Provider>
  );

  function body() {
    const screen = view === 'plan' ? undefined : screenBody();
    if (help) {
      // the screen stays mounted (its tree, its backups list) under the overlay
      return (
        <>
          <Lines lines={helpLines(width)} width={width} height={bodyHeight} />
          {screen ? <Box display="none">{screen}</Box> : null}
        </>
      );
    }
    return screen ?? planBody();
  }

  function screenBody() {
    if (view === 'apply' && apply.run) {
      return (
        <ApplyScreen
          run={apply.run}
          controls={apply}
          width={width}
          height={bodyHeight}
          onClose={(changed) => {
            setView('plan');
            if (changed) replan('after apply');
          }}
        />
      );
    }
    if (view === 'impact' && current) {
      return (
        <ImpactScreen graph={snapshot?.graph} root={current.id} planned={current.impact} width={width} height={bodyHeight} onBack={() => setView('plan')} />
      );
    }
    if (view === 'incidents')
      return <IncidentsScreen session={session} width={width} height={bodyHeight} onBack={() => setView('plan')} onRestored={() => replan('after restore')} />;
    if (view === 'backups') {
      return <BackupsScreen session={session} width={width} height={bodyHeight} onBack={() => setView('plan')} onRestored={() => replan('after restore')} />;
    }
    return undefined;
  }

  function planBody() {
    return (
      <PlanView
        planned={plan !== undefined}
        loading={!snapshot}
        diagnostics={snapshot?.diagnostics ?? []}
        rows={rows}
        filter={filter}
        cursor={cursor}
        offset={offset}
        selected={picked}
        focus={focus}
        details={details}
        detailOffset={detailOffset}
        width={width}
        height={bodyHeight}
        listWidth={listWidth}
      />
    );
  }

  function statusText(): { text: string; tone?: 'error' | 'dim' | 'warn' | 'accent' } {
    if (filtering) return { text: `/${filter}▏`, tone: 'accent' };
    if (planning.planning)
      return { text: planning.snapshot ? `re-planning (${planning.reason ?? 'refresh'})…` : 'loading, validating and discovering…', tone: 'dim' };
    if (planning.error) return { text: `plan failed: ${planning.error}`, tone: 'error' };
    if (notice) return { text: notice, tone: 'warn' };
    if (!plan) return { text: 'the plan could not be made', tone: 'error' };
    const parts = [`${table?.changes ?? 0} changes`];
    if (picked.size) parts.push(`${picked.size} selected`);
    if (filter) parts.push(`filter "${filter}"`);
    const warnings = snapshot?.diagnostics.filter((d) => d.severity === 'warning').length ?? 0;
    if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
    if (planning.generation > 1 && planning.reason) parts.push(`re-planned: ${planning.reason}`);
    if (watching) parts.push('watching');
    return { text: parts.join(' · '), tone: 'dim' };
  }
}
