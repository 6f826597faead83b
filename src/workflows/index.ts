// The worker's workflow bundle entry point.
export { endpointWorkflow } from './endpoint.ts';
export { deliveryWorkflow } from './delivery.ts';
