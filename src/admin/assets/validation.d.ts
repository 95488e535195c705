/** Types of validation.js (plain browser JavaScript, also imported by the unit tests). */
export declare const MAX_ADDRESS_LENGTH: number;
export declare const MAX_LOCAL_PART_LENGTH: number;
export declare const MAX_DOMAIN_LENGTH: number;
export declare const MAX_RECIPIENTS: number;
export declare const MAX_BCC: number;
export declare const MAX_ALERT_RECIPIENTS: number;
export declare const MAX_HOURS: number;
export declare const MIN_RETENTION_DAYS: number;
export declare const MAX_RETENTION_DAYS: number;
export declare function retentionDaysError(value: unknown): string | null;
export declare function emailAddressError(value: unknown): string | null;
export declare function addressKey(value: string): string;
export declare function hoursError(value: unknown): string | null;
export declare function parseHours(text: string): number;
export declare function listLimitMessage(kind: 'bcc' | 'recipients'): string;
