/** Case-insensitive substring filter on the given text columns (Prisma `where` fragment). */
export function textSearch(fields: string[], search: string | null | undefined) {
  if (!search) return {};
  return { OR: fields.map((field) => ({ [field]: { contains: search, mode: 'insensitive' as const } })) };
}
