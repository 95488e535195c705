/**
 * Sorts a recipient's SMTP answer into the few cases an administrator meets most, so the admin
 * page can say in words what the raw answer means. From the reply code, the enhanced status
 * code (RFC 3463) and the text, in that order of trust; null when it is none of them (the page
 * then shows the raw answer alone).
 */
export const SMTP_EXPLANATIONS = ['no_such_address', 'mailbox_full', 'spam', 'no_answer'] as const;
export type SmtpExplanation = (typeof SMTP_EXPLANATIONS)[number];

export interface SmtpAnswer {
  code: number | null;
  enhancedCode: string | null;
  response: string | null;
}

const NO_SUCH_ADDRESS = /no such (user|mailbox|recipient|address)|user unknown|unknown (user|recipient|mailbox)|does ?n[o']t exist|not exist|mailbox (unavailable|not found)|invalid (recipient|mailbox|address)|recipient (address )?rejected|address rejected|undeliverable address|no mailbox/i;
const MAILBOX_FULL = /mailbox (is )?full|over ?quota|quota exceeded|exceeded (the )?(storage|quota)|insufficient (system )?storage|out of storage/i;
const SPAM = /spam|junk|block ?list|black ?list|blocked|reputation|rbl|spamhaus|policy reject|rejected (for|by) policy|content rejected|message refused/i;
const NO_ANSWER = /timed? ?out|timeout|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ECONNECTION|ESOCKET|EDNS|ENOTFOUND|connection (closed|lost|refused|reset|dropped)|greeting never received|unexpected socket close/i;
const RELAY_OR_AUTH = /relay|authenticat/i;

export function explainSmtpAnswer(answer: SmtpAnswer): SmtpExplanation | null {
  const { code, enhancedCode } = answer;
  const text = answer.response ?? '';
  const subject = enhancedCode?.slice(2) ?? '';
  if (subject === '2.2' || code === 452 || code === 552) {
    // 452/552 also mean "too many recipients" or "message too big": only with the words or 5.2.2.
    if (subject === '2.2' || MAILBOX_FULL.test(text)) return 'mailbox_full';
  }
  if (MAILBOX_FULL.test(text)) return 'mailbox_full';
  if (subject === '1.1' || subject === '1.0' || subject === '1.2' || subject === '1.6') return 'no_such_address';
  if (SPAM.test(text) && !RELAY_OR_AUTH.test(text)) return 'spam';
  // 5.7.1 "delivery not authorised, message refused" is how most servers say spam, unless it is about relaying.
  if ((enhancedCode === '5.7.1' || enhancedCode === '5.7.350' || enhancedCode === '5.7.606') && !RELAY_OR_AUTH.test(text)) return 'spam';
  if ((code === 550 || code === 551 || code === 553) && NO_SUCH_ADDRESS.test(text)) return 'no_such_address';
  if (code === null && (text === '' || NO_ANSWER.test(text))) return 'no_answer';
  if (code === 421 || (code !== null && code >= 400 && code < 500 && NO_ANSWER.test(text))) return 'no_answer';
  if (code !== null && code >= 500 && NO_SUCH_ADDRESS.test(text)) return 'no_such_address';
  return null;
}
