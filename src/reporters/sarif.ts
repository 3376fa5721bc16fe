import { pathToFileURL } from 'node:url';
import type { RuleSetting } from '../config/types.js';
import type { LintResult } from '../lint/diagnostic.js';
import { relativePath } from './paths.js';
import { exampleText, type RuleExample, type RuleInfo } from './rule-info.js';
import type { ReporterOptions } from './types.js';

export interface SarifOptions extends ReporterOptions {
  /** Every rule of the registry, described in `tool.driver.rules` so code scanning can show its help. */
  rules: readonly RuleInfo[];
  /** sqlmig's version. */
  toolVersion: string;
}

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const TOOL_INFORMATION_URI = 'https://www.npmjs.com/package/sqlmig';

type SarifLevel = 'error' | 'warning' | 'note' | 'none';

interface SarifReportingDescriptor {
  id: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel; enabled?: boolean };
}

/**
 * SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif):
 * one run, rule metadata with help for every rule, results located by a
 * path relative to %SRCROOT% and a region whose endColumn is exclusive, as
 * SARIF and Diagnostic both define it.
 */
export function formatSarif(result: LintResult, options: SarifOptions): string {
  const descriptors = options.rules.map(describeRule);
  const ruleIndex = new Map(descriptors.map((descriptor, index) => [descriptor.id, index]));
  // Findings outside the registry (syntax-error, disable-comment problems) still get a descriptor, as code scanning expects one per ruleId.
  for (const diagnostic of result.diagnostics) {
    if (ruleIndex.has(diagnostic.rule)) continue;
    ruleIndex.set(diagnostic.rule, descriptors.length);
    descriptors.push({
      id: diagnostic.rule,
      shortDescription: { text: diagnostic.rule },
      defaultConfiguration: { level: diagnostic.severity },
    });
  }

  const base = options.root ?? options.cwd;
  const uriOf = relativeUris(base);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sqlmig',
            version: options.toolVersion,
            informationUri: TOOL_INFORMATION_URI,
            rules: descriptors,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(base) } },
        columnKind: 'utf16CodeUnits',
        results: result.diagnostics.map((diagnostic) => ({
          ruleId: diagnostic.rule,
          ruleIndex: ruleIndex.get(diagnostic.rule)!,
          level: diagnostic.severity,
          message: { text: diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(diagnostic.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: diagnostic.line,
                  startColumn: diagnostic.column,
                  endLine: diagnostic.endLine,
                  endColumn: diagnostic.endColumn,
                },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2);
}

function describeRule(rule: RuleInfo): SarifReportingDescriptor {
  return {
    id: rule.id,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.rationale },
    help: {
      text: help(rule, (label, sql) => `${label}:\n${sql}`),
      markdown: help(rule, (label, sql) => `**${label}**\n\n${fence(sql)}`),
    },
    defaultConfiguration: defaultConfiguration(rule.defaultSeverity),
  };
}

function defaultConfiguration(severity: RuleSetting): SarifReportingDescriptor['defaultConfiguration'] {
  if (severity === 'off') return { level: 'none', enabled: false };
  return { level: severity === 'error' ? 'error' : 'warning' };
}

/** The rationale, then each bad and each good example; `example` renders one. */
function help(rule: RuleInfo, example: (label: string, sql: string) => string): string {
  const render = (label: string, list: readonly RuleExample[]) => list.map((item) => example(label, exampleText(item)));
  return [rule.rationale, ...render('Bad', rule.examples.bad), ...render('Good', rule.examples.good)].join('\n\n');
}

/** A fenced sql block longer than any backtick run inside the example. */
function fence(sql: string): string {
  const longestRun = Math.max(0, ...(sql.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(Math.max(3, longestRun + 1));
  return `${ticks}sql\n${sql}\n${ticks}`;
}

/** Relative URI references: forward slashes, each segment percent-encoded; worked out once per file. */
function relativeUris(cwd: string): (file: string) => string {
  const uris = new Map<string, string>();
  return (file) => {
    let uri = uris.get(file);
    if (uri === undefined) {
      uri = relativePath(cwd, file).split('/').map(encodeURIComponent).join('/');
      uris.set(file, uri);
    }
    return uri;
  };
}

/** file: URI of a folder; SARIF requires the trailing slash for a base. */
function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
