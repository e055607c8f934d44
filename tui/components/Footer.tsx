/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { Text } from 'ink';
import { cut } from '../model/fit.js';
import { useTone } from '../theme.js';

export type FooterMode = 'plan' | 'impact' | 'apply' | 'backups' | 'incidents' | 'help' | 'filter';

/** Full hints, and the short ones for narrow terminals (80 columns must show every key). */
const HINTS: Readonly<Record<FooterMode, string>> = {
  plan: 'jk move  enter/tab detail  / filter  space select  a apply  i impact  b backups  ! incidents  r refresh  ? help  q quit',
  impact: '↑↓/jk move  enter/→ expand  ← collapse  d what if down?  c as changed  esc back  ? help  q quit',
  apply: 'y/enter confirm  n/esc cancel  (on failure) y roll back  n keep',
  backups: '↑↓/jk move  enter inspect  d dry-run restore  y restore after dry run  esc back  q quit',
  incidents: '↑↓/jk move  enter inspect  d dry-run its restore  y restore after dry run  r reload  esc back  q quit',
  help: 'esc/? close help',
  filter: 'type to filter  enter keep  esc clear',
};

const SHORT: Readonly<Record<FooterMode, string>> = {
  plan: 'jk tab /filter ␣select a apply i impact b backups ! incidents r plan ? q quit',
  impact: 'jk move ⏎→ expand ← collapse d down? c change esc back ? help q quit',
  apply: 'y/⏎ confirm n/esc cancel · failed: y roll back n keep',
  backups: 'jk move ⏎ inspect d dry run y restore esc back q quit',
  incidents: 'jk move ⏎ inspect d dry run y restore r reload esc back q quit',
  help: 'esc/? close help',
  filter: 'type to filter  enter keep  esc clear',
};

/** The keys of the current view, always on the last line. */
export function Footer({ mode, width }: { readonly mode: FooterMode; readonly width: number }) {
  const tone = useTone();
  const text = HINTS[mode].length <= width ? HINTS[mode] : SHORT[mode];
  return <Text color={tone('dim')}>{cut(text, width)}</Text>;
}
