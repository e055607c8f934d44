/** The formats `plan -o` and `review -o` write (engine/report/plan-output.ts renders them). */
export type PlanFormat = 'text' | 'json' | 'sarif' | 'markdown';

/** Every {@link PlanFormat}, in the order help lists them. */
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'json', 'sarif', 'markdown'];
