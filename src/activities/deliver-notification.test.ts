import { ApplicationFailure } from '@temporalio/activity';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryDeps } from '../delivery/deps.js';
import { DeliveryInFlightError, TransientDeliveryError } from '../delivery/errors.js';
import type { NotificationRequest } from '../domain/types.js';

const service = vi.hoisted(() => ({ deliverNotification: vi.fn() }));
vi.mock('../delivery/service.js', () => service);
const { deliverNotification } = await import('./deliver-notification.js');

const deps = {} as DeliveryDeps;
const request = { notificationId: 'n-1' } as NotificationRequest;

describe('the delivery activity', () => {
  beforeEach(() => {
    service.deliverNotification.mockReset();
  });

  it('returns the service\'s outcome', async () => {
    const outcome = { notificationId: 'n-1', status: 'failed', attempts: 1, at: '2026-01-01T00:00:00.000Z', detail: '550' };
    service.deliverNotification.mockResolvedValue(outcome);
    await expect(deliverNotification(deps, request)).resolves.toBe(outcome);
  });

  // Running bookings' histories and retry policies know these names: they never change.
  it.each([
    [new DeliveryInFlightError('n-1'), 'DeliveryInFlight', 'another attempt holds this notification'],
    [new TransientDeliveryError('n-1', 'EMESSAGE 451 try later'), 'TransientSmtpFailure', 'EMESSAGE 451 try later'],
  ])('turns %s into a retryable %s failure', async (error, type, message) => {
    service.deliverNotification.mockRejectedValue(error);
    const thrown = await deliverNotification(deps, request).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type, message, nonRetryable: false });
  });

  it('lets anything else through as it is', async () => {
    const boom = new Error('database down');
    service.deliverNotification.mockRejectedValue(boom);
    await expect(deliverNotification(deps, request)).rejects.toBe(boom);
  });
});
