import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../engine/incidents/slack-message.js';

const REV = '0123456789abcdef0123456789abcdef01234567';

describe('slackMessage', () => {
  it('formats drift with the drifted CIs, at most ten, and the revision', () => {
    const drifted = Array.from({ length: 12 }, (_, i) => `deployment:shop/api-${String(i).padStart(2, '0')}`);
    expect(slackMessage({ type: 'drift', revision: REV, target: 'cluster', drifted, unmanaged: 1 })).toEqual({
      text: ':warning: drift: 12 CIs differ from Git in target cluster',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: '*:warning: drift: 12 CIs differ from Git in target cluster*' } },
        { type: 'section', text: { type: 'mrkdwn', text: [...drifted.slice(0, 10).map((d) => `• \`${d}\``), '… and 2 more'].join('\n') } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'revision 0123456789ab · 1 unmanaged object' }] },
      ],
    });
  });

  it('formats a failed apply with what failed and what was restored', () => {
    expect(
      slackMessage({
        type: 'apply',
        revision: REV,
        ok: false,
        summary: { create: 1, update: 2, delete: 0 },
        failed: ['deployment:shop/api'],
        restored: ['configmap:shop/api-config'],
      }),
    ).toEqual({
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
    expect(message.blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'CI endpoint:shop/api' }] });
  });

  it('formats an incident with its cause, symptoms, business services and likely change', () => {
    const host = { id: 'host:dc1/web-01', kind: 'Host', name: 'web-01', namespace: 'dc1' };
    const api = { id: 'endpoint:shop/api-public', kind: 'Endpoint', name: 'api-public', namespace: 'shop' };
    const incident = {
      schemaVersion: 2 as const,
      dedupeKey: 'f'.repeat(64),
      action: 'open' as const,
      summary: 'host:dc1/web-01 is down (inferred) — 1 symptom, hits 1 business service, risk high (72)',
      ci: host,
      failure: 'down',
      reason: 'inferred: explains 1 failing CI',
      severity: 'major' as const,
      cause: [{ ...host, conditions: [] }],
      alternatives: [],
      symptoms: [
        {
          ci: api,
          conditions: [{ kind: 'down', detail: 'connection refused', severity: 'major' as const, since: '2026-01-05T09:00:00.000Z' }],
          path: [{ ci: host.id }, { ci: api.id, via: 'hostedOn' }],
        },
      ],
      related: [],
      businessServices: [{ id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' as const }],
      risk: { score: 72, level: 'high' as const },
      change: {
        run: 'r-1',
        time: '2026-01-05T08:58:00.000Z',
        user: 'ops',
        revision: null,
        planHash: null,
        outcome: 'succeeded',
        changes: [{ id: 'configmap:shop/app', action: 'update', wave: 0, target: 'k8s' }],
        backup: 'b-1',
        restore: 'plumb restore b-1 configmap:shop/app',
      },
      firstSeen: '2026-01-05T09:00:00.000Z',
      lastSeen: '2026-01-05T09:00:00.000Z',
      reopened: 0,
      revision: 1,
    };
    expect(slackMessage({ type: 'incident', incident })).toEqual({
      text: ':red_circle: host:dc1/web-01 is down (inferred) — 1 symptom, hits 1 business service, risk high (72)',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*:red_circle: host:dc1/web-01 is down (inferred) — 1 symptom, hits 1 business service, risk high (72)*' },
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*suspected cause*\n• `host:dc1/web-01 (inferred)`' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*symptoms*\n• `endpoint:shop/api-public: connection refused`' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*business services hit*\n• `businessservice:shop/webshop (critical, down)`' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*likely change*: run `r-1` by ops at 2026-01-05T08:58:00.000Z\n• `update configmap:shop/app`\nto undo: `plumb restore b-1 configmap:shop/app`',
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'incident ffffffffffff · open #1 · first seen 2026-01-05T09:00:00.000Z' }] },
      ],
    });
  });
});
