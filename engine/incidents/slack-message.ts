import type { IncidentPayloadV2 } from './types.js';

/** What plumb tells a chat channel about. */
export type Notification =
  | {
      readonly type: 'drift';
      /** Git revision planned. */
      readonly revision: string;
      readonly target?: string;
      /** Identities of drifted CIs. */
      readonly drifted: readonly string[];
      readonly unmanaged?: number;
    }
  | {
      readonly type: 'apply';
      readonly revision: string;
      readonly ok: boolean;
      readonly summary: { readonly create: number; readonly update: number; readonly delete: number };
      /** CIs whose change failed. */
      readonly failed?: readonly string[];
      /** CIs restored from backups by a rollback. */
      readonly restored?: readonly string[];
    }
  | { readonly type: 'failure'; readonly title: string; readonly message: string; readonly revision?: string; readonly ci?: string }
  | { readonly type: 'incident'; readonly incident: IncidentPayloadV2 };

/** A Slack incoming-webhook body: `text` is the fallback shown in notifications, `blocks` the message. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}
export type SlackBlock =
  | { readonly type: 'section'; readonly text: { readonly type: 'mrkdwn'; readonly text: string } }
  | { readonly type: 'context'; readonly elements: readonly { readonly type: 'mrkdwn'; readonly text: string }[] };

/** Slack refuses section text over 3,000 characters. */
const MAX_SECTION = 2900;
const MAX_LISTED = 10;

/**
 * Formats a notification for a Slack (or Slack-compatible: Mattermost,
 * Rocket.Chat) incoming webhook. Text is escaped (`&`, `<`, `>`), lists
 * show the first ten items and say how many more there are, and every
 * section stays under Slack's limit.
 */
export function slackMessage(n: Notification): SlackMessage {
  switch (n.type) {
    case 'drift': {
      const where = n.target ? ` in target ${n.target}` : '';
      const title = `:warning: drift: ${count(n.drifted.length, 'CI')} ${n.drifted.length === 1 ? 'differs' : 'differ'} from Git${where}`;
      const unmanaged = n.unmanaged ? ` · ${count(n.unmanaged, 'unmanaged object')}` : '';
      return message(title, [list(n.drifted)], `revision ${short(n.revision)}${unmanaged}`);
    }
    case 'apply': {
      const s = n.summary;
      const counts = `${s.create} to create, ${s.update} to update, ${s.delete} to delete`;
      const title = n.ok ? `:white_check_mark: applied revision ${short(n.revision)}: ${counts}` : `:x: apply of revision ${short(n.revision)} failed`;
      const parts = [];
      if (n.failed?.length) parts.push(`*failed*\n${list(n.failed)}`);
      if (n.restored?.length) parts.push(`*restored from backup*\n${list(n.restored)}`);
      if (!n.ok) parts.push(counts);
      return message(title, parts, `revision ${short(n.revision)}`);
    }
    case 'failure':
      return message(
        `:rotating_light: ${n.title}`,
        [escape(n.message)],
        [n.ci && `CI ${n.ci}`, n.revision && `revision ${short(n.revision)}`].filter(Boolean).join(' · '),
      );
    case 'incident': {
      const i = n.incident;
      const icon = i.action === 'resolve' ? ':large_green_circle:' : i.action === 'open' ? ':red_circle:' : ':large_orange_circle:';
      const services = i.businessServices.map((s) => `${s.id} (${s.criticality}, ${s.state})`);
      const body: string[] = [];
      if (i.action !== 'resolve') {
        const cause = i.cause.map((c) => `${c.id}${c.conditions[0] ? ` — ${c.conditions[0].detail}` : ' (inferred)'}`);
        body.push(`*suspected cause*\n${list(cause)}`);
        if (i.symptoms.length) body.push(`*symptoms*\n${list(i.symptoms.map((s) => `${s.ci.id}: ${s.conditions.map((c) => c.detail).join('; ')}`))}`);
        body.push(services.length ? `*business services hit*\n${list(services)}` : 'no business service is hit');
        if (i.change) {
          const restore = i.change.restore ? `\nto undo: \`${escape(i.change.restore)}\`` : '';
          body.push(
            `*likely change*: run \`${escape(i.change.run)}\` by ${escape(i.change.user)} at ${escape(i.change.time)}\n${list(i.change.changes.map((c) => `${c.action} ${c.id}`))}${restore}`,
          );
        }
      }
      const reopened = i.reopened ? ` · reopened ${i.reopened}×` : '';
      return message(`${icon} ${i.summary}`, body, `incident ${i.dedupeKey.slice(0, 12)} · ${i.action} #${i.revision} · first seen ${i.firstSeen}${reopened}`);
    }
  }
}

function message(title: string, sections: readonly string[], context: string): SlackMessage {
  const blocks: SlackBlock[] = [section(`*${escape(title)}*`)];
  for (const s of sections) if (s) blocks.push(section(s));
  if (context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escape(context) }] });
  return { text: escape(title), blocks };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION - 1)}…` : text } };
}

/** A bulleted list of the first MAX_LISTED items, escaped, and how many were left out. */
function list(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).map((i) => `• \`${escape(i)}\``);
  if (items.length > MAX_LISTED) shown.push(`… and ${items.length - MAX_LISTED} more`);
  return shown.join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function short(revision: string): string {
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 12) : revision;
}
