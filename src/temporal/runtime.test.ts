import { ApplicationFailure } from '@temporalio/common';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sdkLogger } from './runtime.js';

describe("the SDK's log lines", () => {
  it('keep an error\'s name and type, never its text (an SMTP answer quotes the address)', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = sdkLogger(pino({}, sink));
    const error = ApplicationFailure.retryable('EMESSAGE 451 4.2.0 <ana.popescu@example.com>: mailbox busy', 'TransientSmtpFailure');
    log.warn('Activity failed', { activityType: 'deliverNotification', attempt: 2, error });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('ana.popescu');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ msg: 'Activity failed', activityType: 'deliverNotification', attempt: 2, error: { name: 'ApplicationFailure', type: 'TransientSmtpFailure' } });
  });
});
