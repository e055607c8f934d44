import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecProvider, type ExecProviderOptions } from '../../../../engine/providers/exec/exec-provider.js';
import { change, makeCI, signal } from '../make-ci.js';

const plugins = resolve(import.meta.dirname, '../../../fixtures/plugins');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-exec-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const plugin = (script: string, extra: Partial<ExecProviderOptions> = {}) =>
  createExecProvider({ name: 'inv', command: process.execPath, args: [join(plugins, script)], cwd: dir, timeoutMs: 30_000, killGraceMs: 200, ...extra });

const codes = (a: { diagnostics: readonly { code: string }[] }) => a.diagnostics.map((d) => d.code);

describe('exec provider: a well-behaved plugin', () => {
  it('discovers, applies, backs up and restores through the protocol', async () => {
    const stateFile = join(dir, 'state.json');
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: { a: '1' } };
    await writeFile(stateFile, JSON.stringify({ 'configmap:shop/c': cm }));
    // Run through the shebang, as plumb.yaml would name it: no shell, no node in front.
    const p = createExecProvider({ name: 'inv', command: join(plugins, 'state-file.mjs'), cwd: dir, env: { PLUGIN_STATE: stateFile } });
    expect(await p.discover({ desired: [] }, signal())).toEqual({ observed: [{ id: 'configmap:shop/c', object: cm, managedByPlumb: false }], diagnostics: [] });

    const { artifacts } = await p.backup!({ ids: ['configmap:shop/c'] }, signal());
    const desired = { ...cm, data: { a: '2' } };
    const applied = await p.apply!({ change: change('configmap:shop/c', 'update'), desired, dryRun: false }, signal());
    expect(applied).toEqual({
      ok: true,
      observed: { id: 'configmap:shop/c', object: desired, managedByPlumb: false },
      diagnostics: [{ severity: 'info', code: 'plugin.applied', message: 'exec:inv: applied configmap:shop/c' }],
    });
    expect(await p.restore!({ artifacts, dryRun: false }, signal())).toEqual({ ok: true, restored: ['configmap:shop/c'], diagnostics: [] });
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({ 'configmap:shop/c': cm });
  });
});

describe('exec provider: a misbehaving plugin is a diagnostic, never a crash or a hang', () => {
  it('kills a plugin that hangs (exec.timeout) and keeps its stderr', async () => {
    const answer = await plugin('hang.mjs', { timeoutMs: 3_000 }).discover({ desired: [] }, signal());
    expect(answer.observed).toEqual([]);
    expect(codes(answer)).toEqual(['exec.timeout']);
    expect(answer.diagnostics[0].message).toContain('exec:inv');
    expect(answer.diagnostics[0].message).toContain('thinking very hard');
  });

  it('kills the whole process group with SIGKILL when SIGTERM is ignored', async () => {
    const pidfile = join(dir, 'grandchild.pid');
    const answer = await plugin('hang-stubborn.mjs', { timeoutMs: 3_000, env: { PLUGIN_PIDFILE: pidfile } }).discover({ desired: [] }, signal());
    expect(codes(answer)).toEqual(['exec.timeout']);
    const grandchild = Number(await readFile(pidfile, 'utf8'));
    await expect.poll(() => isAlive(grandchild), { timeout: 10_000 }).toBe(false);
  });

  it('reports a plugin killed by a signal (exec.crashed)', async () => {
    const answer = await plugin('crash.mjs').discover({ desired: [] }, signal());
    expect(codes(answer)).toEqual(['exec.crashed']);
    expect(answer.diagnostics[0].message).toMatch(/killed by SIGKILL.*about to crash/);
  });

  it('reports output that is not JSON (exec.bad-output)', async () => {
    expect(codes(await plugin('garbage.mjs').discover({ desired: [] }, signal()))).toEqual(['exec.bad-output']);
  });

  it('reports JSON of the wrong shape (exec.bad-output)', async () => {
    expect(codes(await plugin('wrong-shape.mjs').discover({ desired: [] }, signal()))).toEqual(['exec.bad-output']);
  });

  it('reports a non-zero exit (exec.exit-code) with stderr, scrubbed of the secret values it echoed', async () => {
    const secret = makeCI({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: Buffer.from('hunter2-pass').toString('base64') },
    });
    const answer = await plugin('exit-code.mjs').apply!({ change: change(secret.id, 'update'), desired: secret.object, dryRun: false }, signal());
    expect([answer.ok, codes(answer)]).toEqual([false, ['exec.exit-code']]);
    expect(answer.diagnostics[0].message).toContain('exited with code 3');
    expect(answer.diagnostics[0].message).toContain('cannot reach the inventory api');
    expect(JSON.stringify(answer)).not.toContain('hunter2');
    expect(JSON.stringify(answer)).not.toContain(Buffer.from('hunter2-pass').toString('base64'));
  });

  it("scrubs the credentials of the environment it inherits (plumb's and the target's env) from what it echoes", async () => {
    const script = join(dir, 'echo-env.mjs');
    await writeFile(
      script,
      'process.stderr.write(`login failed: ${process.env.INV_API_TOKEN} ${process.env.PLUMB_TEST_DB_URL} region ${process.env.INV_REGION}`); process.exit(3);\n',
    );
    process.env.PLUMB_TEST_DB_URL = 'postgres://inv:Env-pw-0a1b2c3d@10.255.255.4/inv';
    try {
      const p = createExecProvider({
        name: 'inv',
        command: process.execPath,
        args: [script],
        cwd: dir,
        timeoutMs: 30_000,
        killGraceMs: 200,
        env: { INV_API_TOKEN: 'inv-Tok3n-55aa77', INV_REGION: 'eu-west-1' },
      });
      const secret = makeCI({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: {} });
      const answer = await p.apply!({ change: change(secret.id, 'update'), desired: secret.object, dryRun: false }, signal());
      const message = answer.diagnostics[0].message;
      expect(message).toContain('login failed');
      expect(message).toContain('region eu-west-1');
      for (const credential of ['inv-Tok3n-55aa77', 'Env-pw-0a1b2c3d']) expect(message).not.toContain(credential);
    } finally {
      delete process.env.PLUMB_TEST_DB_URL;
    }
  });

  it("scrubs the credentials it is handed as arguments and env settings, short ones and mysql's -pVALUE too, in their encodings", async () => {
    // the target's args were not registered at all: a plugin echoing its command line printed --password's value
    const script = join(dir, 'echo-args.mjs');
    await writeFile(
      script,
      "const a = process.argv.slice(2).join(' '); process.stderr.write(`usage error: ${a} ${Buffer.from(a).toString('base64')} db ${process.env.DB_PASSWORD}`); process.exit(2);\n",
    );
    const p = createExecProvider({
      name: 'inv',
      command: process.execPath,
      args: [script, '--password', 'hunt3r', '-pS3cr3t!x', '--token=Tk-9a8b', '-profile', 'staging', '-p8080:80'],
      cwd: dir,
      timeoutMs: 30_000,
      killGraceMs: 200,
      env: { DB_PASSWORD: 'dbpw42', INV_MODE: 'batch' },
    });
    const ci = makeCI({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: {} });
    const answer = await p.apply!({ change: change(ci.id, 'update'), desired: ci.object, dryRun: false }, signal());
    const message = answer.diagnostics[0].message;
    expect(message).toContain('usage error');
    for (const word of ['-profile staging', '-p8080:80']) expect(message).toContain(word);
    for (const credential of ['hunt3r', 'S3cr3t!x', 'Tk-9a8b', 'dbpw42']) {
      expect(message).not.toContain(credential);
      expect(message).not.toContain(Buffer.from(credential).toString('base64').replace(/=+$/, ''));
    }
  });

  it('scrubs the whole stderr before keeping its 4 KiB tail: a tail that begins inside a secret shows no part of it', async () => {
    const password = 'hunter2-pass-0123456789';
    const secret = makeCI({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      data: { password: Buffer.from(password).toString('base64') },
    });
    const answer = await plugin('stderr-cut.mjs').apply!({ change: change(secret.id, 'update'), desired: secret.object, dryRun: false }, signal());
    expect(codes(answer)).toEqual(['exec.exit-code']);
    const message = answer.diagnostics[0].message;
    expect(message).toContain('yyyy');
    expect(message.length).toBeLessThan(4096 + 200);
    for (const part of ['pass-0123', '0123456789', 'hunter2']) expect(message).not.toContain(part);
  });

  it('reports a command that does not exist (exec.spawn-failed)', async () => {
    const p = createExecProvider({ name: 'inv', command: './no-such-plugin', cwd: dir });
    expect(codes(await p.discover({ desired: [] }, signal()))).toEqual(['exec.spawn-failed']);
  });

  it('never runs the command through a shell', async () => {
    const marker = join(dir, 'pwned');
    const p = createExecProvider({ name: 'inv', command: `touch ${marker}; echo`, cwd: dir });
    expect(codes(await p.discover({ desired: [] }, signal()))).toEqual(['exec.spawn-failed']);
    expect(existsSync(marker)).toBe(false);
  });

  it('kills the plugin and rejects when aborted', async () => {
    const controller = new AbortController();
    const pending = plugin('hang.mjs', { timeoutMs: 60_000 }).discover({ desired: [] }, controller.signal);
    setTimeout(() => controller.abort(new Error('operator interrupted')), 100);
    await expect(pending).rejects.toThrow('operator interrupted');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('exec provider: field ownership', () => {
  it("passes the plugin's `owned` pointers on (malformed entries dropped), so a field Git drops is a removal", async () => {
    const answer = await plugin('owned.mjs').discover({ desired: [] }, signal());
    expect(answer.observed.map((o) => o.owned)).toEqual([['/data/a', '/data/b', '/metadata/labels/tier']]);
  });
});
