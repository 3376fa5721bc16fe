import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../../src/reporters/github.js';
import { cwd, diagnostic, lintResult, mixedResult } from './fixtures.js';

describe('formatGithub', () => {
  it('prints one workflow command per diagnostic, warnings as ::warning, the hint on its own line', () => {
    expect(formatGithub(mixedResult(), { cwd, color: true }).split('\n')).toEqual([
      '::error file=sql/0002_add_status.down.sql,line=1,col=19,endLine=1,endColumn=37,title=require-if-exists::DROP COLUMN without IF EXISTS',
      '::error file=sql/0002_add_status.up.sql,line=3,col=3,endLine=3,endColumn=26,title=require-if-not-exists::ADD COLUMN without IF NOT EXISTS%0Ahint: write ADD COLUMN IF NOT EXISTS status',
      '::warning file=sql/0002_add_status.up.sql,line=3,col=14,endLine=3,endColumn=25,title=status-column-varchar::status column typed text',
    ]);
  });

  it('prints nothing for a clean run', () => {
    expect(formatGithub(lintResult([]), { cwd, color: false })).toBe('');
  });

  it("escapes the message and properties as GitHub's runner decodes them", () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    const line = formatGithub(
      lintResult([diagnostic({ file: '/project/sql/0001_a,b:c.up.sql', message: 'x: 50%\ny', hint: undefined })]),
      { cwd, color: false },
    );
    expect(line).toBe('::error file=sql/0001_a%2Cb%3Ac.up.sql,line=3,col=3,endLine=3,endColumn=26,title=require-if-not-exists::x: 50%25%0Ay');
  });
});
