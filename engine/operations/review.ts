import { runReview, type RunReviewOptions, type RunReviewResult } from '../review/run-review.js';

export type ReviewOptions = RunReviewOptions;
export type ReviewResult = RunReviewResult;

/**
 * `plumb review`: what a pull request changes between `base` and `head` (read
 * from Git without a checkout), its impact and policy results; with `target`,
 * the drift of the changed CIs too.
 */
export function review(opts: ReviewOptions): Promise<ReviewResult> {
  return runReview(opts);
}
