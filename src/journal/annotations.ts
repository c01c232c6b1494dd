// What a trader adds to a closed trade after the fact: free-text notes and tags, each recorded as an event with its
// projection row in one transaction. Must never edit a trade's recorded numbers.
import type Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';
import type { Clock } from '../core/time.js';
import { eventInserter } from './event-store.js';
import type { JournalEvent } from './journal-events.js';
import { projectionApplier } from './projections.js';

/** Longest note, in characters: a paragraph or two, not a file. */
export const MAX_NOTE_CHARS = 4_000;
const TAG_RE = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;

/**
 * Normalises a tag (trimmed, lower-case) and checks it: 1 to 64 characters, letters, digits and . _ : / -,
 * starting with a letter or digit (so it never reads as a flag). Throws an InputError naming `inputName`.
 */
export function normaliseTag(raw: string, inputName: string): string {
  const tag = raw.trim().toLowerCase();
  if (!TAG_RE.test(tag)) {
    throw new InputError(
      'INVALID_OPTION',
      inputName,
      `"${raw}" is not a valid tag`,
      'Use 1 to 64 letters, digits or . _ : / -, starting with a letter or digit, e.g. fomo or news:cpi',
    );
  }
  return tag;
}

/** Checks a note: not blank, at most MAX_NOTE_CHARS. Returns it trimmed. */
export function normaliseNote(raw: string, inputName: string): string {
  const text = raw.trim();
  if (text === '') throw new InputError('INVALID_OPTION', inputName, 'the note is empty', 'Pass the note text in quotes, e.g. "moved the stop, should not have"');
  if (text.length > MAX_NOTE_CHARS) {
    throw new InputError('OUT_OF_RANGE', inputName, `the note has ${text.length} characters, more than ${MAX_NOTE_CHARS}`, `Shorten it to at most ${MAX_NOTE_CHARS} characters`);
  }
  return text;
}

/** The run of a trade, or a NOT_FOUND InputError naming the trade id. */
export function runOfTrade(db: Database.Database, tradeId: number, inputName: string): string {
  const row = db.prepare('SELECT run_id FROM trades WHERE trade_id = ?').get(tradeId) as { run_id: string } | undefined;
  if (row === undefined) {
    throw new InputError('NOT_FOUND', inputName, `there is no trade ${tradeId} in this journal`, 'Run `microfut journal list` to see trade ids');
  }
  return row.run_id;
}

function appendOne(db: Database.Database, event: JournalEvent): number {
  const insert = eventInserter(db);
  const apply = projectionApplier(db);
  return db.transaction(() => {
    const seq = insert(event);
    apply(seq, event);
    return seq;
  }).immediate();
}

/** Adds a note to a trade. Returns the note's event seq. Nothing is written when the trade or text is refused. */
export function addNote(db: Database.Database, tradeId: number, rawText: string, clock: Clock): number {
  const text = normaliseNote(rawText, 'note text');
  const runId = runOfTrade(db, tradeId, 'trade id');
  return appendOne(db, { type: 'NoteAdded', runId, tradeId, text, tsLocal: clock.nowMs() });
}

/** Adds tags to a trade (tags it already has are kept once). Returns the tags, normalised and de-duplicated. */
export function addTags(db: Database.Database, tradeId: number, rawTags: readonly string[], clock: Clock): readonly string[] {
  if (rawTags.length === 0) throw new InputError('MISSING_OPTION', 'tags', 'no tag was given', 'Pass one or more tags after the trade id, e.g. `microfut journal tag 42 fomo late-entry`');
  const tags = [...new Set(rawTags.map((t) => normaliseTag(t, `tag "${t}"`)))];
  const runId = runOfTrade(db, tradeId, 'trade id');
  appendOne(db, { type: 'TagAdded', runId, tradeId, tags, tsLocal: clock.nowMs() });
  return tags;
}
