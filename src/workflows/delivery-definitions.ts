import { defineQuery } from '@temporalio/workflow';
import type { DeliveryState, EventType } from '../domain/types.ts';

export interface DeliveryWorkflowInput {
  webhookId: string;
  eventId: string;
  eventType: EventType;
  endpointId: string | null;
  /** 0 for the original delivery; n for the n-th manual redelivery of the same event */
  sequence: number;
}

export interface DeliveryProgress {
  deliveryId: string | null;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string | null;
}
export const deliveryProgressQuery = defineQuery<DeliveryProgress>('progress');
