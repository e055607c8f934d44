import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../engine/incidents/slack-message.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

describe('slackMessage', () => {
  it('formats drift with the drifted CIs, at most ten, and the revision', () => {
    const drifted = Array.from({ length: 12 }, (_, i) => `deployment:shop/api-${String(i).padStart(2, '0')}`);
    expect(slackMessage({ type: 'drift', revision: REV, target: 'cluster', drifted, unmanaged: 1 })).toEqual({
      text: ':warning: drift: 12 cis differ from Git in target cluster',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*:warning: drift: 12 cis differ from Git in target cluster*' } },
        { type: 'section', text: { type: 'mrkdwn', text: [...drifted.slice(0, 10).map((d) => `• \`${d}\``), '… and 2 more'].join('\n') } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'revision 0123456789ab · 1 unmanaged object' }] },
      ],
    });
  });

  it('formats a failed apply with what failed and what was restored', () => {
    expect(slackMessage({ type: 'apply', revision: REV, ok: false, summary: { create: 1, update: 2, delete: 0 }, failed: ['deployment:shop/api'], restored: ['configmap:shop/api-config'] })).toEqual({
      text: ':x: apply of revision 0123456789ab failed',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*:x: apply of revision 0123456789ab failed*' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*failed*\n• `deployment:shop/api`' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*restored from backup*\n• `configmap:shop/api-config`' } },
        { type: 'section', text: { type: 'mrkdwn', text: '1 to create, 2 to update, 0 to delete' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'revision 0123456789ab' }] },
      ],
    });
  });

  it('escapes what Slack would read as markup and keeps sections under its limit', () => {
    const message = slackMessage({ type: 'failure', title: 'revision <bad> & invalid', message: `x${'y'.repeat(5000)}`, ci: 'endpoint:shop/api' });
    expect(message.text).toBe(':rotating_light: revision &lt;bad&gt; &amp; invalid');
    expect(message.blocks).toHaveLength(3);
    const body = message.blocks[1] as { text: { text: string } };
    expect(body.text.text).toHaveLength(2900);
    expect(body.text.text.endsWith('…')).toBe(true);
    expect(message.blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'ci endpoint:shop/api' }] });
  });

  it('formats an incident with the business services it hits', () => {
    const incident = {
      dedupeKey: 'f'.repeat(64), action: 'open' as const, summary: 'endpoint:shop/api-public is down (connection refused) — hits 1 business service, risk high (72)',
      ci: { id: 'endpoint:shop/api-public', kind: 'Endpoint', name: 'api-public', namespace: 'shop' }, failure: 'down', reason: 'connection refused',
      businessServices: [{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' as const }], risk: { score: 72, level: 'high' as const },
      firstSeen: '2026-01-05T09:00:00.000Z', lastSeen: '2026-01-05T09:00:00.000Z', revision: 1,
    };
    expect(slackMessage({ type: 'incident', incident })).toEqual({
      text: ':red_circle: endpoint:shop/api-public is down (connection refused) — hits 1 business service, risk high (72)',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*:red_circle: endpoint:shop/api-public is down (connection refused) — hits 1 business service, risk high (72)*' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*business services hit*\n• `businessservice:shop/webshop (critical, down)`' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'incident ffffffffffff · open #1 · first seen 2026-01-05T09:00:00.000Z' }] },
      ],
    });
  });
});
