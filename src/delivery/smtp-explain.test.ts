import { describe, expect, it } from 'vitest';
import { enhancedCodeOf } from './recipient-outcomes.js';
import { explainSmtpAnswer } from './smtp-explain.js';

const explain = (code: number | null, response: string) => explainSmtpAnswer({ code, enhancedCode: enhancedCodeOf(response), response });

describe('explaining common SMTP answers', () => {
  it.each([
    [550, '550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual mailbox table', 'no_such_address'],
    [550, "550 5.1.1 The email account that you tried to reach does not exist.", 'no_such_address'],
    [550, '550 No such user here', 'no_such_address'],
    [553, '553 sorry, that domain isn\'t in my list of allowed rcpthosts', null],
    [552, '552 5.2.2 The email account that you tried to reach is over quota.', 'mailbox_full'],
    [452, '452 4.2.2 Mailbox full', 'mailbox_full'],
    [452, '452 4.5.3 Too many recipients', null],
    [550, '550 Mailbox quota exceeded', 'mailbox_full'],
    [554, '554 5.7.1 Message rejected as spam by Content Filtering', 'spam'],
    [550, '550 5.7.1 Service unavailable; client host blocked using Spamhaus', 'spam'],
    [550, '550 5.7.1 Relaying denied', null],
    [421, '421 4.4.2 Connection timed out', 'no_answer'],
    [null, 'ETIMEDOUT Connection timeout', 'no_answer'],
    [null, 'ECONNECTION Connection closed unexpectedly', 'no_answer'],
    [451, '451 4.3.0 try again later', null],
    [250, '250 2.0.0 OK', null],
  ])('%s %s → %s', (code, response, expected) => {
    expect(explain(code, response)).toBe(expected);
  });
});
