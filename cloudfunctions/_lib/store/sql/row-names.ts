/** Each column name as the port spells it, worked out once (a run of the relay reads some 10,000 rows). */
const portNames = new Map<string, string>();

const portName = (column: string): string => {
  let name = portNames.get(column);
  if (name === undefined) portNames.set(column, (name = column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())));
  return name;
};

/** A row's columns under the names the port gives them (center_code -> centerCode), for the schemas of ../rows. */
export function camelCased(row: object): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) named[portName(column)] = value;
  return named;
}
