// A benchmark group: its contenders (the lines of one table) and how a group is run,
// contenders alternating round by round.

import { formatMiB } from './format.mjs';
import { node } from './paths.mjs';
import { checkAborted, execTimed, failureReason } from './timing.mjs';

export const NOT_AVAILABLE = 'not available yet';

/**
 * One line of a table. `command(rep)` returns [cmd, args, {cwd}]; the optional hooks
 * run untimed: setup/teardown once per group, before/after around every run,
 * verify(result, rep) after a successful run (throw to fail the line, return a note).
 * `build` (builds.mjs) makes it a sqlmig line, unavailable when that build is missing;
 * a baseline build's line is named after the build and is never the reference, since
 * it is what this build is compared with, not the yardstick of the table.
 */
export function contender(key, label, { build = null, ...spec }) {
  const baseline = build?.baseline ?? false;
  return {
    key: baseline ? baselineKey(key) : key,
    label: baseline ? `${label} [baseline ${build.tag}]` : label,
    okExitCodes: [0],
    unavailable: build?.missing ?? null,
    ...spec,
    isSqlmig: build !== null,
    baseline,
    reference: !baseline && (spec.reference ?? false),
    status: 'ok',
    reason: null,
    samples: [],
    /** CPU seconds per round (user + system), where GNU time measures them. */
    cpuSamples: [],
    rssKiB: [],
    notes: new Set(),
  };
}

/**
 * The contenders in the order of round `rep`: as listed, except that a line and its baseline twin
 * swap places in every other round. Of two runs of one program back to back, the second is a few
 * percent faster (`sqlmig --version`, the same code in both builds, measured 1.04-1.09x when this
 * build always ran first), so a fixed order would count that against one build.
 */
function roundOrder(contenders, rep) {
  if (rep % 2 === 0) return contenders;
  const order = [...contenders];
  for (let index = 0; index + 1 < order.length; index++) {
    if (order[index + 1].key === baselineKey(order[index].key)) {
      [order[index], order[index + 1]] = [order[index + 1], order[index]];
      index++;
    }
  }
  return order;
}

/** The key of the baseline build's twin of this build's line `key`. */
export function baselineKey(key) {
  return `${key}@baseline`;
}

/** A line that ran every round: its median means something. */
export function completed(c) {
  return c.status === 'ok' && c.samples.length > 0;
}

/** A line that must not be run at all, e.g. its binary is missing. */
function markUnavailable(c, reason) {
  c.status = 'unavailable';
  c.reason = reason;
}

/**
 * sqlmig commands that exist only as stubs exit 2 saying so, and a command whose
 * modules are not in dist/ yet cannot load: "not available yet", not a failure.
 */
function notAvailableReason(c, result) {
  if (!c.isSqlmig || result.code !== 2) return null;
  if (/not available in this version yet/i.test(result.stderr)) return NOT_AVAILABLE;
  // Module-resolution and link errors only happen while dist/ is half-built (tsc would refuse the source).
  if (/Cannot find module|ERR_MODULE_NOT_FOUND|does not provide an export named/.test(result.stderr)) {
    return `${NOT_AVAILABLE} (dist/ incomplete)`;
  }
  return null;
}

export async function runGroup(group) {
  console.error(`\n== ${group.title}`);
  for (const c of group.contenders) if (c.unavailable) markUnavailable(c, c.unavailable);
  try {
    for (const c of group.contenders) {
      if (c.status !== 'ok' || !c.setup) continue;
      try {
        await c.setup();
      } catch (error) {
        checkAborted();
        c.status = error.notAvailable ? 'unavailable' : 'fail';
        c.reason = error.message;
      }
    }
    // Alternate the contenders (A B C D, A B C D, …) so drift hits all of them.
    for (let rep = 0; rep < group.reps; rep++) {
      for (const c of roundOrder(group.contenders, rep)) {
        if (c.status !== 'ok') continue;
        checkAborted();
        try {
          await c.before?.(rep);
          const [cmd, args, spawnOptions] = c.command(rep);
          const result = await execTimed(cmd, args, spawnOptions);
          const notAvailable = notAvailableReason(c, result);
          if (notAvailable) {
            markUnavailable(c, notAvailable);
          } else if (!c.okExitCodes.includes(result.code)) {
            c.status = 'fail';
            c.reason = failureReason(result);
          } else {
            const note = await c.verify?.(result, rep);
            if (note) c.notes.add(note);
            c.samples.push(result.seconds);
            if (result.cpuSeconds !== null) c.cpuSamples.push(result.cpuSeconds);
            if (result.rssKiB !== null) c.rssKiB.push(result.rssKiB);
            console.error(`  ${rep + 1}/${group.reps}  ${c.label}: ${result.seconds.toFixed(3)} s, ${formatMiB(result.rssKiB)} MiB`);
          }
        } catch (error) {
          checkAborted();
          c.status = error.notAvailable ? 'unavailable' : 'fail';
          c.reason = error.message;
        } finally {
          await c.after?.(rep);
        }
        if (c.status !== 'ok') console.error(`  ${c.label}: ${c.status === 'fail' ? 'FAIL: ' : ''}${c.reason}`);
      }
    }
  } finally {
    for (const c of group.contenders) await c.teardown?.();
  }
}

/** The untimed run that setup steps need (applying before a no-op, priming a cache). */
export async function runUntimed(c, cmd, args, spawnOptions) {
  const result = await execTimed(cmd, args, spawnOptions);
  const notAvailable = notAvailableReason(c, result);
  if (notAvailable) throw Object.assign(new Error(notAvailable), { notAvailable: true });
  if (!c.okExitCodes.includes(result.code)) throw new Error(`setup run failed: ${failureReason(result)}`);
  return result;
}

export function nodeBaseline() {
  return contender('node', 'node -e 0', { reference: true, command: () => [node, ['-e', '0']] });
}
