// Task queue names derived from the configured one; deterministic, shared by workflows, workers and the API.

/**
 * Delivery workflows run on their own queue and worker, so deliveries waiting on slow receivers (the first attempt
 * holds its workflow task while it runs inline) never take the slots endpoint workflows need.
 */
export const deliveryTaskQueue = (taskQueue: string) => `${taskQueue}-deliveries`;
