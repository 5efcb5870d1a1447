/** A row's columns under the names the port gives them (center_code -> centerCode), for the schemas of ../rows. */
export function camelCased(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([column, value]) => [column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), value]));
}
