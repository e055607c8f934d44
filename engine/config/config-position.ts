import { LineCounter } from 'yaml';
import { yamlDocument } from '../yaml/yaml-documents.js';
import { offsetOfPointer } from '../yaml/yaml-pointer.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { CONFIG_FILE } from './load-config.js';

/**
 * Positions inside plumb.yaml's text for JSON Pointers under one section
 * (`/notifications` by default): what turns a setting's diagnostic into
 * `plumb.yaml:LINE:COLUMN`. A pointer past what exists answers with its
 * nearest existing ancestor.
 */
export function configPositions(text: string, section = '/notifications'): (pointer: string) => Pick<Diagnostic, 'file' | 'line' | 'column'> {
  const lineCounter = new LineCounter();
  const doc = yamlDocument(text, { lineCounter });
  return (pointer) => {
    const { line, col } = lineCounter.linePos(offsetOfPointer(doc, `${section}${pointer}`));
    return { file: CONFIG_FILE, line, column: col };
  };
}
