import { rules } from '../../rules/index.js';
import { testRuleExamples } from './rule-tester.js';

for (const rule of rules) testRuleExamples(rule);
