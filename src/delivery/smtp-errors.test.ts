import { describe, expect, it } from 'vitest';
import { describeSmtpFailure, isPermanentSmtpFailure } from './smtp-errors.js';

const smtpError = (responseCode: number | undefined, code: string, response?: string) =>
  Object.assign(new Error('boom'), { responseCode, code, response });

describe('SMTP failure classification', () => {
  it('treats 5xx as permanent and 4xx or connection errors as transient', () => {
    expect(isPermanentSmtpFailure(smtpError(550, 'EENVELOPE'))).toBe(true);
    expect(isPermanentSmtpFailure(smtpError(554, 'EMESSAGE'))).toBe(true);
    expect(isPermanentSmtpFailure(smtpError(451, 'EMESSAGE'))).toBe(false);
    expect(isPermanentSmtpFailure(smtpError(undefined, 'ECONNREFUSED'))).toBe(false);
    expect(isPermanentSmtpFailure(new Error('timeout'))).toBe(false);
  });

  it('describes a failure on one line', () => {
    expect(describeSmtpFailure(smtpError(451, 'EMESSAGE', '451 4.3.0 try\r\nlater'))).toBe('EMESSAGE 451 451 4.3.0 try later');
  });
});
