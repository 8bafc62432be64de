import {
  ownerOf,
  raciReport,
  renderRaciJson,
  renderRaciMarkdown,
  UnknownActivityError,
} from '../../contracts/raci';
import { type CommandModule, stringOption, UsageError } from '../command';
import { outputFormat } from './format';

export const raciCommand: CommandModule = {
  options: [
    { flags: '--format <markdown|json>', description: 'output format (default: markdown)' },
    { flags: '--owner <activity>', description: 'only the Accountable group of this activity' },
  ],
  help: `Renders raci.activities (Owns as A, Supports as C, Informed as I per group) and raci.incidentTypes
(A/C/I per role, with the notes of raci.incidentTypes[].notes) from the policy.
--owner names the Accountable group of one activity (case-insensitive); an unknown activity is
an error that lists the known ones (exit code 2).`,
  async run({ options, global, loadPolicy }) {
    const format = outputFormat({ format: stringOption(options, 'format'), json: global.json });
    const policy = loadPolicy();
    const owner = stringOption(options, 'owner');
    if (owner !== undefined) {
      let found: ReturnType<typeof ownerOf>;
      try {
        found = ownerOf(policy.raci, owner);
      } catch (err) {
        if (err instanceof UnknownActivityError) throw new UsageError(err.message);
        throw err;
      }
      return {
        exitCode: 0,
        json: found,
        text:
          format === 'json'
            ? JSON.stringify(found, null, 2)
            : [
                `${found.activity}: owned (Accountable) by ${found.owner.name} (team ${found.owner.team})`,
                `  supports: ${found.supports.join(', ') || 'none'}`,
                `  informed: ${found.informed.join(', ') || 'none'}`,
              ].join('\n'),
      };
    }
    const report = raciReport(policy.raci);
    // --format json without --json: the same document, printed as text.
    return {
      exitCode: 0,
      json: JSON.parse(renderRaciJson(report)),
      text: format === 'json' ? renderRaciJson(report) : renderRaciMarkdown(report),
    };
  },
};
