// Reads a recorded venue payload from test/fixtures/venues/<venue>/<name>.json as raw text, so 64-bit order ids
// reach ccxt exactly as the venue sends them (JSON.parse would round them to a double). Tests only.
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../../../../test/support/shared-data.js';

export function venueFixture(venue: string, name: string): string {
  return readFileSync(`${REPO_ROOT}/test/fixtures/venues/${venue}/${name}.json`, 'utf8');
}
