import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../engine/load/glob.js';

const matching = (pattern: string, paths: string[]) => paths.filter((p) => compileGlob(pattern).matches(p));

const PATHS = [
  'inventory/a.yaml',
  'inventory/a.yml',
  'inventory/a.json',
  'inventory/x/b.yaml',
  'inventory/x/y/c.yml',
  'inventoryx/d.yaml',
  'other/inventory/e.yaml',
  'inventory/.hidden.yaml',
];

describe('glob patterns', () => {
  it('matches ** across any number of directories, including none', () => {
    expect(matching('inventory/**/*.{yaml,yml}', PATHS)).toEqual([
      'inventory/a.yaml',
      'inventory/a.yml',
      'inventory/x/b.yaml',
      'inventory/x/y/c.yml',
      'inventory/.hidden.yaml',
    ]);
  });

  it('keeps * and ? within one path segment', () => {
    expect(matching('inventory/*.yaml', PATHS)).toEqual(['inventory/a.yaml', 'inventory/.hidden.yaml']);
    expect(matching('inventory/?.y*ml', PATHS)).toEqual(['inventory/a.yaml', 'inventory/a.yml']);
  });

  it('supports nested alternatives and a trailing **', () => {
    expect(matching('{inventory/x,other}/**', PATHS)).toEqual(['inventory/x/b.yaml', 'inventory/x/y/c.yml', 'other/inventory/e.yaml']);
    expect(matching('inventory/a.{y{a,}ml,json}', PATHS)).toEqual(['inventory/a.yaml', 'inventory/a.yml', 'inventory/a.json']);
  });

  it('treats regex characters literally and ignores a leading ./', () => {
    expect(compileGlob('./a+b/(c).yaml').matches('a+b/(c).yaml')).toBe(true);
    expect(compileGlob('a.yaml').matches('aXyaml')).toBe(false);
  });

  it('knows the literal directory to list for each pattern', () => {
    expect(['inventory/**/*.yaml', 'a/b/*.yaml', '*.yaml', '{a,b}/*.yaml', 'plumb.yaml'].map((p) => compileGlob(p).base)).toEqual([
      'inventory',
      'a/b',
      '',
      '',
      '',
    ]);
  });
});
