import { describe, expect, it } from 'vitest';
import { redactText } from './logger.js';

describe('redactText', () => {
  it.each([
    ['450 4.2.0 <h4@patients.test>: Recipient address rejected: Greylisted', '450 4.2.0 <address>: Recipient address rejected: Greylisted'],
    ['550 5.1.1 "Ana Popescu" <ana.popescu@example.com> unknown', '550 5.1.1 <address> unknown'],
    ['EENVELOPE Can\'t send mail - all recipients were rejected: 550 user ana@x.ro unknown', 'EENVELOPE Can\'t send mail - all recipients were rejected: 550 user <address> unknown'],
    ['Data command failed: 451 Try again later', 'Data command failed: 451 Try again later'],
    ['RCPT TO:<a.b+tag@sub.example.org> failed; also c@d.ro', 'RCPT TO:<address> failed; also <address>'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('removes what the caller knows is personal, and leaves short fragments alone', () => {
    expect(redactText('mailbox of Ana Popescu (+40 712 345 678) is full', ['Ana Popescu', '+40 712 345 678', 'ab', null])).toBe(
      'mailbox of [redacted] ([redacted]) is full',
    );
  });
});
