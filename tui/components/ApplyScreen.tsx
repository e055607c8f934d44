/** @jsxRuntime automatic */
/** @jsxImportSource react */
import { useScreenKeys } from '../hooks/use-keys.js';
import type { ApplyControls, ApplyRun } from '../hooks/use-apply.js';
import { applyLines } from '../model/apply-lines.js';
import { Lines } from './Lines.js';

export interface ApplyScreenProps {
  readonly run: ApplyRun;
  readonly controls: ApplyControls;
  readonly width: number;
  readonly height: number;
  readonly onClose: (changed: boolean) => void;
}

/** The confirm dialog, then progress, then the rollback choice, then the result. */
export function ApplyScreen({ run, controls, width, height, onClose }: ApplyScreenProps) {
  useScreenKeys((input, key) => {
    const yes = input === 'y' || key.return;
    const no = input === 'n' || key.escape;
    if (run.phase === 'confirm' && yes) controls.confirm();
    else if (run.phase === 'failed' && input === 'y') controls.rollback();
    else if ((run.phase === 'confirm' || run.phase === 'blocked' || run.phase === 'failed') && no) onClose(controls.dismiss());
    else if (run.phase === 'done' && (key.return || key.escape)) onClose(controls.dismiss());
  });
  const lines = applyLines(run, width);
  // keep the end in view: the newest progress and the question are last
  const offset = Math.max(0, lines.length - height);
  return <Lines lines={lines} width={width} height={height} offset={offset} />;
}
