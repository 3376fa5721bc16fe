/**
 * Passwords never appear in output. Every URL we print goes through
 * `redactUrl`, and everything the CLI writes goes through `scrub` with the
 * secrets it knows of, as a second line of defence (server error messages,
 * stack traces, a URL quoted inside another message).
 */

/**
 * `password=` query (or conninfo) values: up to the next `&` or the end,
 * whatever they hold (an unencoded `@` or `#` included).
 */
const PASSWORD_PARAMETER = /(\bpass(?:word)?=)[^&]*/gi;

/**
 * The URL with every password replaced by `***`. Works on the raw text, not
 * on what a URL parser makes of it: `postgres://app:5432#Secret9@host/db`
 * parses as host `app`, port 5432 and no password. Everything between `//`
 * and the last `@` is the user info (the user name is kept when it is plain);
 * query passwords are masked first, so an `@` inside one does not count.
 */
export function redactUrl(url: string): string {
  const masked = url.replace(PASSWORD_PARAMETER, '$1***');
  const split = splitUserInfo(masked);
  if (split === undefined) return masked;
  const { before, userInfo, after } = split;
  const colon = userInfo.indexOf(':');
  const user = colon === -1 ? userInfo : userInfo.slice(0, colon);
  const plainUser = /^[A-Za-z0-9._~%!$'()*+,;=-]*$/.test(user);
  let shown: string;
  if (colon === -1) shown = plainUser ? user : '***';
  else shown = plainUser ? `${user}:***` : '***';
  return `${before}${shown}${after}`;
}

/** The user info of a URL by the raw-text rule (between `//`, or the start, and the last `@`), or undefined without an `@`. */
export function splitUserInfo(url: string): { before: string; userInfo: string; after: string } | undefined {
  const at = url.lastIndexOf('@');
  if (at === -1) return undefined;
  const slashes = url.indexOf('//');
  const start = slashes !== -1 && slashes < at ? slashes + 2 : 0;
  return { before: url.slice(0, start), userInfo: url.slice(start, at), after: url.slice(at) };
}

/** Every password a URL carries, as written and decoded: in its user info and in `password` parameters. */
export function passwordsOf(url: string): string[] {
  const found = new Set<string>();
  const add = (value: string) => {
    if (value === '') return;
    found.add(safeDecode(value));
    found.add(value);
  };
  for (const match of url.matchAll(/\bpass(?:word)?=([^&]*)/gi)) add(match[1]!);
  const split = splitUserInfo(url.replace(PASSWORD_PARAMETER, '$1'));
  if (split !== undefined) {
    const colon = split.userInfo.indexOf(':');
    if (colon !== -1) add(split.userInfo.slice(colon + 1));
  }
  return [...found];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Secrets worth hiding, from a URL and the usual environment variables. */
export function collectSecrets(env: Record<string, string | undefined>, urls: Array<string | undefined>): string[] {
  const found = new Set<string>();
  for (const url of [...urls, env.DATABASE_URL]) {
    if (!url) continue;
    for (const password of passwordsOf(url)) found.add(password);
  }
  for (const name of ['POSTGRES_PASSWORD', 'PGPASSWORD']) {
    const value = env[name];
    if (value) found.add(value);
  }
  return [...found];
}

/** Replaces every occurrence of each secret (raw and URL-encoded) with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short secrets would mangle ordinary text; they are still kept out of URLs by redactUrl.
    if (secret.length < 3) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      // A search is cheaper than split/join on a large output (lint's JSON) that does not contain it.
      if (result.includes(form)) result = result.split(form).join('***');
    }
  }
  return result;
}
