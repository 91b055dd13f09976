/**
 * Case-insensitive substring filter on the given text columns (Prisma `where` fragment). `%`, `_`
 * and `\` in the term are matched literally (Prisma passes `contains` to ILIKE unescaped). On
 * ApiKey, trigram indexes (pg_trgm) serve it.
 */
export function textSearch(fields: string[], search: string | null | undefined) {
  if (!search) return {};
  const literal = search.replace(/[\\%_]/g, (c) => `\\${c}`);
  return { OR: fields.map((field) => ({ [field]: { contains: literal, mode: 'insensitive' as const } })) };
}
