// One snake_case ↔ camelCase map per resource: the API's field name on the left, the drizzle row's property on the
// right. The answer's fields, the columns an insert writes and the columns a PATCH writes all come from it.

export type FieldMap<Row> = Readonly<Record<string, keyof Row & string>>;

/**
 * A resource's map: the fields named alike on both sides, then the renamed ones (API name: row property).
 * Curried so the row type is given and the names are inferred: fieldMap<Row>()(['name'], { group_id: 'groupId' }).
 */
export const fieldMap =
  <Row>() =>
  <const Same extends readonly (keyof Row & string)[], const Renamed extends Record<string, keyof Row & string>>(
    same: Same,
    renamed: Renamed,
  ): { readonly [K in Same[number]]: K } & Renamed =>
    ({ ...Object.fromEntries(same.map((k) => [k, k])), ...renamed }) as { readonly [K in Same[number]]: K } & Renamed;

/** The API's view of a row's mapped fields. */
export type ApiFields<Row, M extends FieldMap<Row>> = { -readonly [K in keyof M]: Row[M[K]] };

export function toApiFields<Row, M extends FieldMap<Row>>(map: M, row: Row): ApiFields<Row, M> {
  const out: Record<string, unknown> = {};
  for (const [field, prop] of Object.entries(map)) out[field] = row[prop];
  return out as ApiFields<Row, M>;
}

/** The columns for the API fields given: an absent (undefined) field is left out, a null one is written as null. */
export function toColumns<Row, M extends FieldMap<Row>>(map: M, fields: { [K in keyof M]?: unknown }): Partial<Row> {
  const out: Partial<Row> = {};
  for (const [field, prop] of Object.entries(map)) {
    const value = fields[field as keyof M];
    if (value !== undefined) out[prop] = value as Row[keyof Row & string];
  }
  return out;
}

/** The one place a write moves updated_at: every update of a row that has the column goes through here. */
export function touched<T extends object>(set: T): T & { updatedAt: Date } {
  return { ...set, updatedAt: new Date() };
}

export const isoOrNull = (d: Date | null): string | null => d?.toISOString() ?? null;

/** created_at and updated_at as the API answers them. */
export const timestamps = (r: { createdAt: Date; updatedAt: Date }) => ({
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});
