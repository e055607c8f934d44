/**
 * The first visible row of a list `height` rows tall, so `cursor` is visible
 * and the view moves as little as possible from `offset` (the scroll position
 * survives a re-plan when the selected change is still on screen). Only the
 * rows in [offset, offset + height) are ever rendered, whatever the list's size.
 */
export function scrollOffset(total: number, cursor: number, height: number, offset: number): number {
  if (height <= 0 || total <= height) return 0;
  let next = Math.min(Math.max(0, offset), total - height);
  if (cursor < next) next = cursor;
  else if (cursor >= next + height) next = cursor - height + 1;
  return Math.max(0, Math.min(next, total - height));
}
