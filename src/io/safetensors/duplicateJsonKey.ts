/**
 * The first key that appears twice among the top-level keys of a JSON object's text, or `null`. `JSON.parse`
 * silently keeps the last of duplicated keys; a weights file whose header names a tensor (or `__metadata__`) twice
 * is ambiguous, so readers refuse it.
 *
 * The text must be valid JSON (parse it first); nested objects are not examined.
 *
 * @param text - The JSON text of an object.
 * @returns The duplicated key (decoded), or `null` when every top-level key is unique.
 * @example
 * duplicateJsonKey('{"a": 1, "b": {"a": 2}}'); // null
 * duplicateJsonKey('{"a": 1, "a": 2}'); // 'a'
 */
export function duplicateJsonKey(text: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      if (depth !== 1) continue;
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] !== ':') continue;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      if (seen.has(key)) return key;
      seen.add(key);
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return null;
}
