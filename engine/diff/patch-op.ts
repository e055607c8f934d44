/** RFC 6902 operation (values of secret fields are replaced by the redaction marker in any serialised plan). */
export interface PatchOp {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly value?: unknown;
  readonly from?: string;
}
