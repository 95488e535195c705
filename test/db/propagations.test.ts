/**
 * The propagation outbox: a save that changes the hours owes a propagation (in its own
 * transaction), one that does not owes none; the reconciler's question answers the newest
 * unstarted version per institution and closes the older ones; progress and supersession.
 */
import { describe, expect, it } from 'vitest';
import { createInstitution } from '../../src/db/institutions.js';
import {
  finishPropagation,
  latestPropagation,
  markPropagationStarted,
  propagationTarget,
  recordPropagationProgress,
  unstartedPropagations,
} from '../../src/db/propagations.js';
import { defaultSettingsInput, saveSettings } from '../../src/db/settings.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase();

const withHours = (noticeHours: number, hoursBefore: number) => {
  const s = defaultSettingsInput();
  return { ...s, cancellation: { ...s.cancellation, noticeHours }, paymentReminder: { ...s.paymentReminder, hoursBefore } };
};
const save = (inst: string, settings: ReturnType<typeof withHours>) => saveSettings(db.sql, { institutionId: inst, settings, updatedBy: 't' });

describe('settings propagations', () => {
  it('a save owes a propagation only when the hours change', async () => {
    await createInstitution(db.sql, { id: 'p-owed', name: 'P' });
    expect((await save('p-owed', withHours(24, 24))).timingsChanged).toBe(false); // the defaults
    expect(await latestPropagation(db.sql, 'p-owed')).toBeNull();
    expect((await save('p-owed', withHours(24, 48))).timingsChanged).toBe(true);
    expect(await latestPropagation(db.sql, 'p-owed')).toMatchObject({ version: 2, status: 'pending', found: 0, done: 0, finishedAt: null });
    expect(await propagationTarget(db.sql, 'p-owed', 2)).toEqual({ timings: { noticeHours: 24, hoursBefore: 48 }, superseded: false });
  });

  it('the reconciler starts only the newest unstarted version; progress, finish and supersession', async () => {
    await createInstitution(db.sql, { id: 'p-rec', name: 'R' });
    await save('p-rec', withHours(10, 10)); // v1
    await save('p-rec', withHours(20, 20)); // v2
    const owed = (await unstartedPropagations(db.sql)).filter((o) => o.institutionId === 'p-rec');
    expect(owed).toEqual([{ institutionId: 'p-rec', version: 2 }]);
    const [v1] = await db.sql`SELECT outcome FROM settings_propagations WHERE institution_id = 'p-rec' AND version = 1`;
    expect(v1!.outcome).toBe('superseded');

    await markPropagationStarted(db.sql, 'p-rec', 2);
    expect((await unstartedPropagations(db.sql)).filter((o) => o.institutionId === 'p-rec')).toEqual([]);
    await recordPropagationProgress(db.sql, 'p-rec', 2, { found: 10, done: 4 });
    await recordPropagationProgress(db.sql, 'p-rec', 2, { found: 10, done: 4 }); // a retried page: same numbers
    expect(await latestPropagation(db.sql, 'p-rec')).toMatchObject({ version: 2, status: 'running', found: 10, done: 4 });

    await save('p-rec', withHours(30, 30)); // v3 supersedes v2
    expect((await propagationTarget(db.sql, 'p-rec', 2)).superseded).toBe(true);
    await finishPropagation(db.sql, 'p-rec', 2, 'superseded');
    await finishPropagation(db.sql, 'p-rec', 3, 'finished');
    const [v2] = await db.sql`SELECT outcome FROM settings_propagations WHERE institution_id = 'p-rec' AND version = 2`;
    expect(v2!.outcome).toBe('superseded');
    expect(await latestPropagation(db.sql, 'p-rec')).toMatchObject({ version: 3, status: 'finished' });
  });
});
