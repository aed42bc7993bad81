/**
 * Converts a Keras (Python-style, snake_case) topology into the camelCase form tfjs-layers' `fromConfig` takes,
 * exactly as tfjs' own loader does (`convertPythonicToTs`, which tfjs-layers does not export): keys and string
 * values become camelCase, except `name` values and the layer names that open `inbound_nodes`,
 * `input_layers` and `output_layers` entries.
 */
export function pythonicToCamelCase(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toCamelCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((item, index) => (isLayerNameItem(key, index, item) ? item : pythonicToCamelCase(item, key)));
  }
  const converted: Record<string, unknown> = {};
  for (const [pythonicKey, item] of Object.entries(value as Record<string, unknown>)) {
    if (pythonicKey === 'name' && typeof item === 'string') {
      converted[pythonicKey] = item;
    } else {
      const camelKey = toCamelCase(pythonicKey);
      converted[camelKey] = pythonicToCamelCase(item, camelKey);
    }
  }
  return converted;
}

function isLayerNameItem(key: string | undefined, index: number, item: unknown): boolean {
  return (key === 'inboundNodes' || key === 'outputLayers' || key === 'inputLayers') && index === 0 && typeof item === 'string';
}

function toCamelCase(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/[_]+(\w|$)/g, (_match, next: string) => next.toUpperCase());
}
