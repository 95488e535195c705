// The worker bundles this file: every workflow type the task queue serves.
export { bookingWorkflow } from './booking.js';
export { retentionWorkflow } from './retention.js';
export { deliveryAlertsWorkflow } from './delivery-alerts.js';
export { settingsPropagationWorkflow } from './settings-propagation.js';
