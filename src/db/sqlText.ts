/** SQL text from values: a string literal (`'it''s'`). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
