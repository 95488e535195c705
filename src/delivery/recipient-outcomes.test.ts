import { describe, expect, it } from 'vitest';
import {
  answersFromError,
  answersFromInfo,
  enhancedCodeOf,
  mergeOutcomes,
  openRecipients,
  statusOf,
  type RecipientOutcome,
} from './recipient-outcomes.js';

const rcptError = (recipient: string, response: string) =>
  Object.assign(new Error(`Recipient command failed: ${response}`), { code: 'EENVELOPE', recipient, response, responseCode: Number(response.slice(0, 3)) });
const outcome = (address: string, o: RecipientOutcome['outcome'], bcc = false): RecipientOutcome => ({
  address,
  bcc,
  outcome: o,
  code: o === 'accepted' ? 250 : o === 'refused' ? 550 : 450,
  enhancedCode: null,
  response: null,
  at: '2026-01-01T00:00:00.000Z',
});

describe('answers of one attempt', () => {
  it('reads accepted, refused and deferred recipients from a partly accepted send', () => {
    const answers = answersFromInfo(['a@x.test', 'b@x.test', 'c@x.test'], {
      response: '250 2.0.0 queued',
      rejected: ['b@x.test', 'c@x.test'],
      rejectedErrors: [rcptError('b@x.test', '550 5.1.1 no such user'), rcptError('c@x.test', '450 4.2.1 busy')],
    });
    expect(answers).toEqual([
      { address: 'a@x.test', outcome: 'accepted', code: 250, enhancedCode: '2.0.0', response: '250 2.0.0 queued' },
      { address: 'b@x.test', outcome: 'refused', code: 550, enhancedCode: '5.1.1', response: '550 5.1.1 no such user' },
      { address: 'c@x.test', outcome: 'deferred', code: 450, enhancedCode: '4.2.1', response: '450 4.2.1 busy' },
    ]);
  });

  it('takes a transport that reports only a response as everyone accepted', () => {
    expect(answersFromInfo(['a@x.test'], { response: 'ok' })).toMatchObject([{ outcome: 'accepted', code: 250 }]);
  });

  it('gives each recipient its own answer when all were refused, and a shared one when the message failed', () => {
    const all = Object.assign(new Error('all recipients were rejected'), {
      code: 'EENVELOPE',
      responseCode: 450,
      rejectedErrors: [rcptError('a@x.test', '550 5.1.1 unknown'), rcptError('b@x.test', '450 4.7.1 greylisted')],
    });
    expect(answersFromError(['a@x.test', 'b@x.test'], all).map((a) => [a.address, a.outcome, a.code])).toEqual([
      ['a@x.test', 'refused', 550],
      ['b@x.test', 'deferred', 450],
    ]);
    const data = Object.assign(new Error('Message failed'), { code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 spam' });
    expect(answersFromError(['a@x.test', 'b@x.test'], data).map((a) => a.outcome)).toEqual(['refused', 'refused']);
    const lost = Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' });
    expect(answersFromError(['a@x.test'], lost)).toMatchObject([{ outcome: 'deferred', code: null, response: 'ECONNECTION Connection closed' }]);
  });

  it('finds the enhanced status code', () => {
    expect(enhancedCodeOf('550 5.1.1 <a@x>: no such user')).toBe('5.1.1');
    expect(enhancedCodeOf('5.2.2 mailbox full')).toBe('5.2.2');
    expect(enhancedCodeOf('550 mailbox unavailable')).toBeNull();
    expect(enhancedCodeOf(null)).toBeNull();
  });
});

describe('the outcomes of an e-mail', () => {
  it('asks again only recipients without a final answer', () => {
    const stored = [outcome('a@x.test', 'accepted'), outcome('b@x.test', 'refused'), outcome('c@x.test', 'deferred')];
    expect(openRecipients(['A@x.test', 'b@x.test', 'c@x.test', 'd@x.test'], stored)).toEqual(['c@x.test', 'd@x.test']);
  });

  it('merges a retry without ever overriding an acceptance, BCC marked, and keeps who got it', () => {
    const stored = [outcome('a@x.test', 'accepted'), outcome('c@x.test', 'deferred', true), outcome('old@x.test', 'accepted')];
    const merged = mergeOutcomes(
      stored,
      { to: ['a@x.test', 'b@x.test'], bcc: ['c@x.test'] },
      [
        { address: 'a@x.test', outcome: 'refused', code: 550, enhancedCode: null, response: 'late' },
        { address: 'c@x.test', outcome: 'accepted', code: 250, enhancedCode: null, response: '250 ok' },
      ],
      'T',
    );
    expect(merged.map((o) => [o.address, o.bcc, o.outcome])).toEqual([
      ['a@x.test', false, 'accepted'],
      ['c@x.test', true, 'accepted'],
      ['old@x.test', false, 'accepted'],
    ]);
    expect(merged[1]!.at).toBe('T');
  });

  it('is sent when all accepted, partial when some did not, failed when none did, pending while someone is deferred', () => {
    expect(statusOf([outcome('a', 'accepted'), outcome('b', 'accepted')], false)).toBe('sent');
    expect(statusOf([outcome('a', 'accepted'), outcome('b', 'refused')], false)).toBe('partial');
    expect(statusOf([outcome('a', 'refused')], false)).toBe('failed');
    expect(statusOf([outcome('a', 'accepted'), outcome('b', 'deferred')], false)).toBe('pending');
    expect(statusOf([outcome('a', 'accepted'), outcome('b', 'deferred')], true)).toBe('partial');
    expect(statusOf([outcome('a', 'deferred')], true)).toBe('failed');
  });
});
