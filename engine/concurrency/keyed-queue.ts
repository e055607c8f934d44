/**
 * Runs tasks one at a time per key, in the order they were asked for, and
 * tasks of different keys in parallel. Used where a provider's write is a
 * read-modify-write of one resource (a path): two writes of the same key never
 * interleave, so neither is computed from a state the other is replacing.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key` has settled; resolves or rejects with it. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
