export * from './accounts.ts';
export * from './api-keys.ts';
export * from './groups.ts';
export * from './endpoints.ts';
export * from './webhooks.ts';
export * from './events.ts';
export * from './deliveries.ts';
export * from './delivery-attempts.ts';
