import { LineCounter, type Document } from 'yaml';
import type { Origin } from '../model/ci.js';
import { fieldPlace } from '../render/provenance.js';
import { yamlDocuments } from '../yaml/yaml-documents.js';
import { offsetOfPointer } from '../yaml/yaml-pointer.js';

/** How many parsed files `locate` keeps; diagnostics cluster by file, so a small cache hits. */
const CACHE_SIZE = 16;

interface ParsedForPositions {
  readonly docs: Document[];
  readonly lineCounter: LineCounter;
}

/**
 * Builds `LoadedRepository.locate`: the line and column of a JSON Pointer
 * inside a loaded document. The fast parse path keeps no node positions, so the
 * file is re-parsed with `yaml` on first use (a small LRU keeps the latest
 * files). Falls back to the nearest existing ancestor, then to the document's
 * start (the origin itself). An item of a list document is looked up below
 * its `origin.pointer`; a rendered object through its provenance first
 * (Origin.render.fields), then in its resource file when it has one.
 */
export function createLocator(textOf: (file: string) => string | undefined) {
  const cache = new Map<string, ParsedForPositions | null>();

  const parsed = (file: string): ParsedForPositions | null => {
    const hit = cache.get(file);
    if (hit !== undefined) {
      cache.delete(file);
      cache.set(file, hit);
      return hit;
    }
    const text = textOf(file);
    let entry: ParsedForPositions | null = null;
    if (text !== undefined) {
      const lineCounter = new LineCounter();
      entry = { docs: yamlDocuments(text, { lineCounter }), lineCounter };
    }
    cache.set(file, entry);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return entry;
  };

  return function locate(origin: Origin, pointer: string): { line: number; column: number; file?: string } {
    if (origin.render) {
      // a field a patch or a values line set is placed there; a template has no place per field
      const place = fieldPlace(origin.render.fields, pointer);
      if (place) return place.file === origin.file ? { line: place.line, column: place.column } : place;
      if (!origin.render.resource) return { line: origin.line, column: origin.column };
    }
    const entry = parsed(origin.file);
    const doc = entry?.docs[origin.doc];
    if (!entry || !doc || !doc.contents) return { line: origin.line, column: origin.column };
    const { line, col } = entry.lineCounter.linePos(offsetOfPointer(doc, (origin.pointer ?? '') + pointer));
    return { line, column: col };
  };
}
