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
import { ciDetailLines, detailLines, type Line } from './model/detail-lines.js';
import { ciRows, labelsOf, SORT_KEYS, type Sort } from './model/ci-rows.js';
import { completeCommand, parseCommand } from './model/commands.js';
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
import { CIView } from './components/CIView.js';
import { YamlScreen } from './components/YamlScreen.js';
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

type View = 'plan' | 'ci' | 'impact' | 'backups' | 'incidents' | 'apply' | 'yaml';
/** The two list views; the others are screens that go back to the one they were opened from. */
type Home = 'plan' | 'ci';

/**
 * `plumb tui`: the plan view (changes by wave, detail pane), the CI browser
 * (`:ci`, every CI: changed, unchanged, unmanaged; `/` filter, sort), the
 * YAML view (`y`), and the impact, apply, backups and incidents screens over
 * one engine session; `:` commands switch between them (k9s style). The
 * selection is kept by id and the scroll position by offset, so a re-plan
 * (`r`, or `--watch`) updates the view without moving the operator.
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
  const [home, setHome] = useState<Home>('plan');
  const [help, setHelp] = useState(false);
  const [focus, setFocus] = useState<'list' | 'detail'>('list');
  const [filters, setFilters] = useState<Readonly<Record<Home, string>>>({ plan: '', ci: '' });
  const [filtering, setFiltering] = useState(false);
  /** The `:` command bar's text while it is open. */
  const [command, setCommand] = useState<string | undefined>();
  const [sort, setSort] = useState<Sort>({ key: 'id', reverse: false });
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [ciKey, setCiKey] = useState<string | undefined>();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [detailOffset, setDetailOffset] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const lastCursor = useRef(0);
  const movedTo = useRef<string | undefined>(undefined);
  const listOffset = useRef(0);
  const lastCiCursor = useRef(0);
  const movedToCi = useRef<string | undefined>(undefined);
  const ciOffset = useRef(0);
  const filter = filters[home];
  const setFilter = (f: string | ((old: string) => string)) => setFilters((all) => ({ ...all, [home]: typeof f === 'function' ? f(all[home]) : f }));

  const policies = useMemo(() => (plan ? indexPolicies(plan) : undefined), [plan]);
  const labelIndex = useMemo(() => new Map((snapshot?.documents ?? []).map((d) => [d.id, labelsOf(d)])), [snapshot?.documents]);
  const table = useMemo(
    () => (plan && policies ? planRows(plan, policies, filters.plan, (id) => labelIndex.get(id)) : undefined),
    [plan, policies, filters.plan, labelIndex],
  );
  const ciTable = useMemo(
    () => (plan && policies && home === 'ci' ? ciRows(plan, policies, snapshot?.documents, filters.ci, sort) : undefined),
    [plan, policies, snapshot?.documents, filters.ci, sort, home],
  );
  const ciList = ciTable?.rows ?? [];
  const ciCursor =
    ciList.length === 0 ? -1 : ((ciKey !== undefined ? ciTable?.indexOf.get(ciKey) : undefined) ?? Math.min(lastCiCursor.current, ciList.length - 1));
  if (ciCursor >= 0) lastCiCursor.current = ciCursor;
  const ciRow = ciCursor >= 0 ? ciList[ciCursor] : undefined;
  const rows = table?.rows ?? [];
  const cursor = (selectedId !== undefined ? table?.indexOf.get(selectedId) : undefined) ?? nearestChange(rows, lastCursor.current);
  lastCursor.current = Math.max(0, cursor);
  const current = cursor >= 0 && rows[cursor]?.kind === 'change' ? rows[cursor].change : undefined;

  // `selectedId` is what the operator moved to; while it is filtered out (or
  // before the first move) the cursor sits on the nearest change instead
  useEffect(() => setDetailOffset(0), [current?.id, ciRow?.key, home]);
  /** The CI under the cursor of the list view on display (for y, i, space, a). */
  const focusedCi = home === 'ci' ? ciRow : current ? { id: current.id, target: current.target, change: current, state: current.action } : undefined;
  const pickable = focusedCi?.change && focusedCi.change.action !== 'noop' ? focusedCi.change : undefined;
  // apply finished or a restore ran: the actual state changed
  const replan = (why: string) => {
    setPicked(new Set());
    planning.refresh(why);
  };

  const bodyHeight = Math.max(4, height - 4);
  // below 80 columns the list takes more of the width: identities need it more than the detail pane
  const listWidth = Math.max(30, Math.floor(width * (width < 80 ? 0.6 : 0.55)));
  const detailWidth = Math.max(10, width - listWidth - 1); // as PlanView lays it out
  /** Rows of the detail pane (under its title) and of each list (under its title; the browser also has a column header). */
  const paneHeight = bodyHeight - 1;
  const ciListHeight = bodyHeight - 2;
  const details: Line[] = useMemo(() => {
    if (!policies) return [];
    if (home === 'ci') return ciRow ? ciDetailLines(ciRow, policies.byCi.get(ciRow.id) ?? [], detailWidth) : [];
    return current ? detailLines(current, policies.byCi.get(current.id) ?? [], detailWidth) : [];
  }, [home, ciRow, current, policies, detailWidth]);
  const offset = scrollOffset(rows.length, Math.max(0, cursor), paneHeight, listOffset.current);
  listOffset.current = offset;
  const ciListOffset = scrollOffset(ciList.length, Math.max(0, ciCursor), ciListHeight, ciOffset.current);
  ciOffset.current = ciListOffset;

  const move = (step: number) => {
    if (focus === 'detail') {
      setDetailOffset((o) => Math.max(0, Math.min(Math.max(0, details.length - paneHeight), o + step)));
      return;
    }
    if (home === 'ci') {
      const base = (movedToCi.current !== undefined ? ciTable?.indexOf.get(movedToCi.current) : undefined) ?? ciCursor;
      if (base < 0) return;
      const row = ciList[Math.max(0, Math.min(ciList.length - 1, base + step))];
      if (row) {
        movedToCi.current = row.key;
        setCiKey(row.key);
      }
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

  const goHome = (to: Home) => {
    setHome(to);
    setView(to);
    setFocus('list');
  };
  const runCommand = (text: string) => {
    const result = parseCommand(text);
    if (!result.ok) return setNotice(result.message);
    setNotice(undefined);
    if (result.target === 'quit') {
      if (view === 'apply' && (apply.run?.phase === 'running' || apply.run?.phase === 'rolling-back'))
        return setNotice('an apply is running: quit when it is done');
      return exit();
    }
    if (result.target === 'help') return setHelp(true);
    if (view === 'apply' && apply.run) return setNotice('close the apply screen first (esc)');
    if (result.target === 'plan' || result.target === 'ci') {
      if (result.target === 'ci' && result.filter !== undefined) setFilters((all) => ({ ...all, ci: result.filter! }));
      return goHome(result.target);
    }
    setView(result.target);
  };

  const screenKeys = useKeyRouter((input, key, screen) => {
    if (help) {
      if (key.escape || input === '?' || input === 'q') setHelp(false);
      return;
    }
    if (command !== undefined) {
      if (key.escape) setCommand(undefined);
      else if (key.return) {
        setCommand(undefined);
        runCommand(command);
      } else if (key.tab) setCommand((c) => completeCommand(c ?? '') ?? c);
      else if (key.backspace || key.delete) setCommand((c) => (c ? c.slice(0, -1) : undefined));
      else if (input && !key.ctrl && !key.meta) setCommand((c) => (c ?? '') + input);
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
    // k9s: `:` opens the command bar from any view (not over an apply in progress or its dialog)
    if (input === ':' && view !== 'apply') {
      setNotice(undefined);
      return setCommand('');
    }
    if (view !== 'plan' && view !== 'ci') return screen?.(input, key);
    setNotice(undefined);
    if (key.downArrow || input === 'j') move(1);
    else if (key.upArrow || input === 'k') move(-1);
    else if (key.pageDown) move(bodyHeight - 1);
    else if (key.pageUp) move(-(bodyHeight - 1));
    else if (key.home || input === 'g') move(-rows.length);
    else if (key.end || input === 'G') move(rows.length);
    else if (key.tab) setFocus((f) => (f === 'list' ? 'detail' : 'list'));
    else if (key.return) setFocus('detail');
    else if (key.escape) {
      if (focus === 'detail') setFocus('list');
      else if (filter) setFilter('');
    } else if (input === '/') setFiltering(true);
    else if (input === 'r') planning.refresh('refresh');
    else if (input === 'b') setView('backups');
    else if (input === '!') setView('incidents');
    else if (input === 'y' && focusedCi) setView('yaml');
    else if (input === 's' && home === 'ci') setSort((s) => ({ key: SORT_KEYS[(SORT_KEYS.indexOf(s.key) + 1) % SORT_KEYS.length], reverse: false }));
    else if (input === 'S' && home === 'ci') setSort((s) => ({ ...s, reverse: !s.reverse }));
    else if (input === 'i' && focusedCi) {
      if (snapshot?.graph?.hasNode(focusedCi.id)) setView('impact');
      else setNotice(`${focusedCi.id} is not in Git (unmanaged): it has no dependencies or dependents to explore`);
    } else if (input === ' ' && focusedCi) {
      if (!pickable) return setNotice(`${focusedCi.id} has no change to apply`);
      const next = new Set(picked);
      if (next.has(pickable.id)) next.delete(pickable.id);
      else next.add(pickable.id);
      setPicked(next);
    } else if (input === 'a' && plan) {
      const chosen = picked.size ? picked : pickable ? new Set([pickable.id]) : new Set<string>();
      if (chosen.size === 0) return setNotice(table?.changes ? 'nothing to apply: select a change (space)' : 'nothing to apply: the plan has no changes');
      apply.open(selectForApply(plan, snapshot?.graph, chosen));
      setView('apply');
    }
  });

  const mode: FooterMode = help
    ? 'help'
    : command !== undefined
      ? 'command'
      : filtering
        ? 'filter'
        : (view === 'plan' || view === 'ci') && focus === 'detail'
          ? 'detail'
          : view;
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
    const screen = view === 'plan' || view === 'ci' ? undefined : screenBody();
    if (help) {
      // the screen stays mounted (its tree, its backups list) under the overlay
      return (
        <>
          <Lines lines={helpLines(width)} width={width} height={bodyHeight} />
          {screen ? <Box display="none">{screen}</Box> : null}
        </>
      );
    }
    return screen ?? (view === 'ci' ? ciBody() : planBody());
  }

  function ciBody() {
    if (!plan || !ciTable) return planBody();
    const shown = ciList.length === ciTable.total ? `${ciTable.total}` : `${ciList.length}/${ciTable.total}`;
    const arrow = sort.reverse !== (sort.key === 'impact') ? '↓' : '↑';
    return (
      <CIView
        rows={ciList}
        title={`cis(${filters.ci || 'all'})[${shown}] · sort ${sort.key}${arrow}`}
        detailTitle={detailTitle(ciRow?.id)}
        emptyText={filters.ci ? `no CI matches "${filters.ci}" (esc clears the filter)` : 'no CIs: the repository declares none and the targets hold none'}
        cursor={ciCursor}
        offset={ciListOffset}
        selected={picked}
        focus={focus}
        sort={sort}
        details={details}
        detailOffset={detailOffset}
        width={width}
        height={bodyHeight}
        listWidth={listWidth}
      />
    );
  }

  function detailTitle(id: string | undefined): string {
    if (!id) return 'detail';
    return focus === 'detail' ? 'detail · jk scroll · esc back' : 'detail · enter/tab focus';
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
            setView(home);
            if (changed) replan('after apply');
          }}
        />
      );
    }
    if (view === 'impact' && focusedCi) {
      return (
        <ImpactScreen
          graph={snapshot?.graph}
          root={focusedCi.id}
          planned={focusedCi.change?.action === 'noop' ? undefined : focusedCi.change?.impact}
          width={width}
          height={bodyHeight}
          onBack={() => setView(home)}
        />
      );
    }
    if (view === 'yaml' && focusedCi) {
      const change = focusedCi.change;
      const document = home === 'ci' ? ciRow?.document : snapshot?.documents?.find((d) => d.id === focusedCi.id && d.target === focusedCi.target);
      return (
        <YamlScreen
          key={`${focusedCi.id}\n${focusedCi.target}`}
          id={focusedCi.id}
          state={home === 'ci' && ciRow ? ciRow.state : (change?.action ?? '')}
          document={document}
          file={change?.file}
          line={change?.line}
          width={width}
          height={bodyHeight}
          onBack={() => setView(home)}
        />
      );
    }
    if (view === 'incidents')
      return <IncidentsScreen session={session} width={width} height={bodyHeight} onBack={() => setView(home)} onRestored={() => replan('after restore')} />;
    if (view === 'backups') {
      return <BackupsScreen session={session} width={width} height={bodyHeight} onBack={() => setView(home)} onRestored={() => replan('after restore')} />;
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
        title={`changes(${filters.plan || 'all'})[${table?.changes ?? 0}]`}
        detailTitle={detailTitle(current?.id)}
      />
    );
  }

  function statusText(): { text: string; tone?: 'error' | 'dim' | 'warn' | 'accent' } {
    if (command !== undefined) {
      const completion = completeCommand(command);
      return { text: `:${command}▏${completion && completion !== command ? `  (tab: ${completion})` : ''}`, tone: 'accent' };
    }
    if (filtering) return { text: `/${filter}▏`, tone: 'accent' };
    if (planning.planning)
      return { text: planning.snapshot ? `re-planning (${planning.reason ?? 'refresh'})…` : 'loading, validating and discovering…', tone: 'dim' };
    if (planning.error) return { text: `plan failed: ${planning.error}`, tone: 'error' };
    if (notice) return { text: notice, tone: 'warn' };
    if (!plan) return { text: 'the plan could not be made', tone: 'error' };
    const parts = [`${table?.changes ?? 0} changes`];
    if (home === 'ci' && ciTable) parts.push(`${ciTable.total} CIs (${ciTable.counts.unchanged} unchanged, ${ciTable.counts.unmanaged} unmanaged)`);
    if (picked.size) parts.push(`${picked.size} selected`);
    if (filter) parts.push(`filter "${filter}"`);
    const warnings = snapshot?.diagnostics.filter((d) => d.severity === 'warning').length ?? 0;
    if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
    if (planning.generation > 1 && planning.reason) parts.push(`re-planned: ${planning.reason}`);
    if (watching) parts.push('watching');
    return { text: parts.join(' · '), tone: 'dim' };
  }
}
