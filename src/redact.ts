/**
 * Passwords never appear in output. Every URL we print goes through
 * `redactUrl`, and everything the CLI writes goes through `scrub` with the
 * secrets it knows of, as a second line of defence (server error messages,
 * stack traces, a URL quoted inside another message).
 */

/** The URL with its password replaced by `***`. Unparseable input is returned masked after `://user:`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // Query-string passwords (`?password=…`) too.
    for (const key of [...parsed.searchParams.keys()]) {
      if (/^pass(word)?$/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return url.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** Every password a URL carries (decoded): in its user info and in a `password` query parameter. */
export function passwordsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const found: string[] = [];
    if (parsed.password) found.push(safeDecode(parsed.password));
    for (const [key, value] of parsed.searchParams) {
      if (/^pass(word)?$/i.test(key) && value) found.push(value);
    }
    return found;
  } catch {
    const match = /:\/\/[^:/@]*:([^@]*)@/.exec(url);
    return match?.[1] ? [safeDecode(match[1])] : [];
  }
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
