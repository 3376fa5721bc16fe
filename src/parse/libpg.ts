/**
 * libpg-query's WebAssembly module, called directly instead of through the
 * package's parseSync/scanSync/parsePlPgSQLSync (wasm/index.cjs), for speed:
 * the SQL goes in with TextEncoder.encodeInto and the JSON comes out with
 * TextDecoder, where the package copies both a byte at a time in JavaScript
 * (~25 ms of LemmyNet's 1 MB); and loading the module alone, without the
 * package's ES-module wrapper and type re-exports, takes ~25 ms less.
 *
 * The C entry points and result layouts are the ones index.cjs uses, with the
 * same errors. A libpg-query release without them gets the package's own API.
 */
import { createRequire } from 'node:module';
import type { ParseResult, ScanResult } from 'libpg-query';

/** What parse.ts needs of libpg-query. */
export interface PgParser {
  /** Throws on a syntax error: see `cursorPosition`. Never called with blank text. */
  parse(sql: string): ParseResult;
  scan(sql: string): ScanResult;
  parsePlPgSQL(sql: string): unknown;
  /** Where PostgreSQL's parser stopped, in code points from the start of the text, when `error` says. */
  cursorPosition(error: unknown): number | undefined;
}

/** The parts of the Emscripten module (wasm/libpg-query.js) used here; all of them exported by it. */
interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  getValue(pointer: number, type: 'i32'): number;
  _wasm_parse_query_raw(query: number): number;
  _wasm_free_parse_result(result: number): void;
  _wasm_scan(query: number): number;
  _wasm_parse_plpgsql(query: number): number;
  _wasm_free_string(string: number): void;
}

const ENTRY_POINTS = [
  '_malloc', '_free', 'getValue', '_wasm_parse_query_raw', '_wasm_free_parse_result', '_wasm_scan', '_wasm_parse_plpgsql', '_wasm_free_string',
] as const;

/** Loads and instantiates the WebAssembly module (the caller sets V8's compile flags around this). */
export async function loadPgParser(): Promise<PgParser> {
  const require = createRequire(import.meta.url);
  let factory: (() => Promise<Partial<WasmModule>>) | undefined;
  try {
    factory = require('libpg-query/wasm/libpg-query.js') as () => Promise<Partial<WasmModule>>;
  } catch {
    // Not where 18.1 keeps it: use the package's API.
  }
  const module = typeof factory === 'function' ? await factory() : undefined;
  if (module && module.HEAPU8 && ENTRY_POINTS.every((name) => typeof module[name] === 'function')) {
    return new WasmParser(module as WasmModule);
  }
  return packageParser();
}

/** A syntax error, as index.cjs's SqlError carries it. */
class SqlError extends Error {
  constructor(
    message: string,
    readonly cursor: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

class WasmParser implements PgParser {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly wasm: WasmModule) {}

  parse(sql: string): ParseResult {
    if (sql === '') throw new Error('Query cannot be empty');
    const { wasm } = this;
    const query = this.copyIn(sql);
    let result = 0;
    try {
      result = wasm._wasm_parse_query_raw(query);
      if (!result) throw new Error('Failed to parse query: memory allocation failed');
      // PgQueryParseResult: parse_tree, stderr_buffer, error.
      const tree = wasm.getValue(result, 'i32');
      const error = wasm.getValue(result + 8, 'i32');
      if (error) throw this.syntaxError(error);
      if (!tree) throw new Error('No parse tree generated');
      return JSON.parse(this.copyOut(tree)) as ParseResult;
    } finally {
      wasm._free(query);
      if (result) wasm._wasm_free_parse_result(result);
    }
  }

  scan(sql: string): ScanResult {
    const text = this.callForString(sql, (query) => this.wasm._wasm_scan(query));
    if (text.startsWith('syntax error') || text.startsWith('deparse error') || text.startsWith('ERROR')) throw new Error(text);
    return JSON.parse(text) as ScanResult;
  }

  parsePlPgSQL(sql: string): unknown {
    const text = this.callForString(sql, (query) => this.wasm._wasm_parse_plpgsql(query));
    // Success is always a JSON object; anything else is an error message.
    if (!text.startsWith('{')) throw new Error(text);
    return JSON.parse(text);
  }

  cursorPosition(error: unknown): number | undefined {
    return error instanceof SqlError ? error.cursor : undefined;
  }

  /** PgQueryError: message, funcname, filename, lineno, cursorpos (1-based; 0 when none). */
  private syntaxError(error: number): SqlError {
    const { wasm } = this;
    const messagePointer = wasm.getValue(error, 'i32');
    const cursor = wasm.getValue(error + 16, 'i32');
    const message = messagePointer ? this.copyOut(messagePointer) : 'Unknown error';
    return new SqlError(message, cursor > 0 ? cursor - 1 : 0);
  }

  /** Calls an entry point that returns a string it allocated, and frees both. */
  private callForString(sql: string, call: (query: number) => number): string {
    const query = this.copyIn(sql);
    let result = 0;
    try {
      result = call(query);
      return result ? this.copyOut(result) : '';
    } finally {
      this.wasm._free(query);
      if (result) this.wasm._wasm_free_string(result);
    }
  }

  /** `text` as a NUL-terminated UTF-8 string in WebAssembly memory; the caller frees it. */
  private copyIn(text: string): number {
    const { wasm } = this;
    const length = Buffer.byteLength(text);
    const pointer = wasm._malloc(length + 1);
    // HEAPU8 is read after every call into the module: memory growth replaces it.
    this.encoder.encodeInto(text, wasm.HEAPU8.subarray(pointer, pointer + length));
    wasm.HEAPU8[pointer + length] = 0;
    return pointer;
  }

  /** The NUL-terminated UTF-8 string at `pointer`. */
  private copyOut(pointer: number): string {
    const heap = this.wasm.HEAPU8;
    const end = heap.indexOf(0, pointer);
    return this.decoder.decode(heap.subarray(pointer, end === -1 ? heap.length : end));
  }
}

/** libpg-query's own API: slower, for a release whose module does not export what WasmParser calls. Exported for tests. */
export async function packageParser(): Promise<PgParser> {
  const pg = await import('libpg-query');
  await pg.loadModule();
  return {
    parse: (sql) => pg.parseSync(sql),
    scan: (sql) => pg.scanSync(sql),
    parsePlPgSQL: (sql) => pg.parsePlPgSQLSync(sql),
    cursorPosition: (error) => (pg.hasSqlDetails(error) ? error.sqlDetails?.cursorPosition ?? 0 : undefined),
  };
}
