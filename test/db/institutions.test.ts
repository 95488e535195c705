import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { createInstitution, getInstitution, InstitutionExistsError } from '../../src/db/institutions.js';

const db = useTestDatabase();

describe('institutions', () => {
  it('creates with defaults and reads back', async () => {
    const created = await createInstitution(db.sql, { id: 'clinica-a', name: 'Clinica A' });
    expect(created).toEqual({
      id: 'clinica-a',
      name: 'Clinica A',
      timezone: 'Europe/Bucharest',
      locale: 'ro',
      senderName: null,
      senderEmail: null,
    });
    expect(await getInstitution(db.sql, 'clinica-a')).toEqual(created);
  });

  it('keeps the given zone, locale and sender', async () => {
    const created = await createInstitution(db.sql, {
      id: 'lab-b',
      name: 'Lab B',
      timezone: 'Europe/London',
      locale: 'en',
      senderName: 'Lab B Reception',
      senderEmail: 'reception@lab-b.example',
    });
    expect(await getInstitution(db.sql, 'lab-b')).toEqual(created);
    expect(created.timezone).toBe('Europe/London');
  });

  it('answers null for an unknown id', async () => {
    expect(await getInstitution(db.sql, 'nope')).toBeNull();
  });

  it('refuses an unknown time zone, naming it', async () => {
    await expect(createInstitution(db.sql, { id: 'bad-tz', name: 'X', timezone: 'Mars/Olympus' })).rejects.toThrow(
      /Mars\/Olympus/,
    );
    expect(await getInstitution(db.sql, 'bad-tz')).toBeNull();
  });

  it('refuses a bad id and a duplicate', async () => {
    await expect(createInstitution(db.sql, { id: 'Bad_Id', name: 'X' })).rejects.toThrow(/Bad_Id/);
    await expect(createInstitution(db.sql, { id: 'clinica-a', name: 'Again' })).rejects.toBeInstanceOf(
      InstitutionExistsError,
    );
  });
});
