import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes of booking workflows. They let operators filter runs in the
 * Temporal UI and let a settings save find every running booking of one institution.
 * No patient data goes here: visibility is readable by every operator.
 * Imported by workflow code: keys only (whether a server has them: registered-search-attributes.ts).
 */
export const INSTITUTION_ID = defineSearchAttributeKey('InstitutionId', 'KEYWORD');
export const EXAM_STARTS_AT = defineSearchAttributeKey('ExamStartsAt', 'DATETIME');
export const BOOKING_STATUS = defineSearchAttributeKey('BookingStatus', 'KEYWORD');
/** When the booking's next timed e-mail (notice or reminder) is due; absent when none is planned. */
export const NEXT_NOTIFICATION_AT = defineSearchAttributeKey('NextNotificationAt', 'DATETIME');

export const BOOKING_SEARCH_ATTRIBUTES = [INSTITUTION_ID, EXAM_STARTS_AT, BOOKING_STATUS, NEXT_NOTIFICATION_AT];

