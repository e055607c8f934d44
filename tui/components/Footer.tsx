/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Text } from 'ink';
import { cut } from '../model/fit.js';
import { useTone } from '../theme.js';

export type FooterMode = 'plan' | 'ci' | 'detail' | 'yaml' | 'impact' | 'apply' | 'backups' | 'incidents' | 'help' | 'filter' | 'command';

/** Full hints, and the short ones for narrow terminals (80 columns must show every key). */
const HINTS: Readonly<Record<FooterMode, string>> = {
  plan: 'jk  ⏎ detail  / filter  : cmd  y yaml  ␣ select  a apply  i impact  b backups  ! incidents  r refresh  ? help  q quit',
  ci: 'jk move  ⏎/tab detail  / filter  s/S sort  y yaml  ␣ select  a apply  i impact  : command  r refresh  ? help  q quit',
  detail: 'detail pane: jk/pgup/pgdn scroll  esc/tab back to the list  y yaml  ? help  q quit',
  yaml: 'jk/pgup/pgdn scroll  tab/h/l other side  g/G top/end  esc/y back  ? help  q quit',
  impact: '↑↓/jk move  enter/→ expand  ← collapse  d what if down?  c as changed  esc back  ? help  q quit',
  apply: 'y/enter confirm  n/esc cancel  (on failure) y roll back  n keep',
  backups: '↑↓/jk move  enter inspect  d dry-run restore  y restore after dry run  esc back  q quit',
  incidents: '↑↓/jk move  enter inspect  d dry-run its restore  y restore after dry run  r reload  esc back  q quit',
  help: 'esc/? close help',
  filter: 'type to filter (kind: ns: state: -l label=value, ! negates)  enter keep  esc clear',
  command: ':ci :plan :backups :incidents :help :quit  tab complete  enter run  esc cancel',
};

const SHORT: Readonly<Record<FooterMode, string>> = {
  plan: 'jk ⏎ /filter :cmd y yaml ␣select a apply i impact b ! r ? q quit',
  ci: 'jk ⏎ /filter s/S sort y yaml ␣select a apply i impact :cmd ? q quit',
  detail: 'detail: jk scroll  esc/tab back to the list  y yaml  ? help  q quit',
  yaml: 'jk scroll  tab other side  g/G top/end  esc/y back  ? q quit',
  impact: 'jk move ⏎→ expand ← collapse d down? c change esc back ? help q quit',
  apply: 'y/⏎ confirm n/esc cancel · failed: y roll back n keep',
  backups: 'jk move ⏎ inspect d dry run y restore esc back q quit',
  incidents: 'jk move ⏎ inspect d dry run y restore r reload esc back q quit',
  help: 'esc/? close help',
  filter: 'filter: kind: ns: state: -l k=v !not  ⏎ keep  esc clear',
  command: ':ci :plan :backups :incidents :quit  tab  ⏎ run  esc',
};

/** The keys of the current view, always on the last line. */
export function Footer({ mode, width }: { readonly mode: FooterMode; readonly width: number }) {
  const tone = useTone();
  const text = HINTS[mode].length <= width ? HINTS[mode] : SHORT[mode];
  return <Text color={tone('dim')}>{cut(text, width)}</Text>;
}
