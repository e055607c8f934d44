import type { ImpactState } from '../model/relations.js';

/** One CI an impact simulation reached. */
export interface AffectedCI {
  readonly id: string;
  readonly state: ImpactState;
  readonly depth: number;
  /** Identities from a source to this CI, inclusive. */
  readonly path: readonly string[];
  /** For event `change`: the state it would reach if the change fails. */
  readonly wouldBe?: ImpactState;
}

/** The result of an impact simulation (engine/impact/simulate.ts). */
export interface ImpactSummary {
  readonly sources: readonly string[];
  readonly event: 'change' | 'delete' | 'down';
  readonly affected: readonly AffectedCI[];
  readonly businessServices: readonly { id: string; criticality: string; state: ImpactState }[];
  readonly risk: { readonly score: number; readonly level: 'low' | 'medium' | 'high' | 'critical' };
}
