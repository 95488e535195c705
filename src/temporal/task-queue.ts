/**
 * The task queue booking workflows run on when TEMPORAL_TASK_QUEUE is not set. Its own module
 * so the API process (which starts workflows) reads it without loading @temporalio/worker.
 */
export const DEFAULT_TASK_QUEUE = 'booking-notifications';
