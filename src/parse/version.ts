/**
 * Changes whenever `parseSql` may return something different for the same text: part of parse-cache keys.
 * A module of its own so that the lint cache can read it without loading the parser.
 */
export const PARSED_SQL_VERSION = 9;
